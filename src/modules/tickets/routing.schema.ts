import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, boolean } from 'drizzle-orm/pg-core';

/** How a team's new tickets find an agent, and where its tickets escalate to. */
export const teamRouting = pgTable(
  'team_routing',
  {
    tenantId: uuid('tenant_id').notNull(),
    teamId: uuid('team_id').notNull(),
    /** manual | round_robin | least_loaded | skills */
    mode: text('mode').notNull().default('manual'),
    /** L2 team for escalations (manual, or automatic when an SLA target is breached) */
    escalationTeamId: uuid('escalation_team_id'),
    escalateOnBreach: boolean('escalate_on_breach').notNull().default(false),
    /** round robin position */
    lastAssignedUserId: uuid('last_assigned_user_id'),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.teamId] })],
);

/** Skills, regions, product lines and languages of an agent, matched against a ticket's needs. */
export const agentSkills = pgTable(
  'agent_skills',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    /** skill | region | product_line | language */
    kind: text('kind').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.kind, t.value] }), index('agent_skills_value_idx').on(t.tenantId, t.kind, t.value)],
);

/** Canned replies with variables plus field changes, shared with the tenant or private to one agent. */
export const macros = pgTable(
  'macros',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind').notNull().default('public'),
    body: text('body').notNull().default(''),
    actions: jsonb('actions').notNull().default({}),
    ownerId: uuid('owner_id'),
    shared: boolean('shared').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Saved ticket filters: private to their owner, or shared with a team. */
export const savedViews = pgTable(
  'saved_views',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    ownerId: uuid('owner_id').notNull(),
    teamId: uuid('team_id'),
    query: jsonb('query').notNull(),
    position: integer('position').notNull().default(100),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('saved_views_owner_idx').on(t.tenantId, t.ownerId)],
);

/** related | duplicate | parent (ticket_id is the parent of other_id); stored once per pair and kind. */
export const ticketLinks = pgTable(
  'ticket_links',
  {
    tenantId: uuid('tenant_id').notNull(),
    ticketId: uuid('ticket_id').notNull(),
    otherId: uuid('other_id').notNull(),
    kind: text('kind').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.ticketId, t.otherId, t.kind] }), index('ticket_links_other_idx').on(t.tenantId, t.otherId)],
);
