import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Written through platform/search's searchVector(); never read back into JS. */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const tickets = pgTable(
  'tickets',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    /** per-tenant sequence behind the human-readable number */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    number: text('number').notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull().default(''),
    type: text('type').notNull(),
    priority: text('priority').notNull(),
    status: text('status').notNull().default('new'),
    channel: text('channel').notNull(),
    category: text('category'),
    faultCode: text('fault_code'),
    customerId: uuid('customer_id'),
    assigneeId: uuid('assignee_id'),
    teamId: uuid('team_id'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    customFields: jsonb('custom_fields').notNull().default({}),
    externalId: text('external_id'),
    // SLA clock (see modules/sla)
    slaPolicyId: uuid('sla_policy_id'),
    slaCalendarId: uuid('sla_calendar_id'),
    firstResponseDueAt: ts('first_response_due_at'),
    firstRespondedAt: ts('first_responded_at'),
    nextResponseDueAt: ts('next_response_due_at'),
    resolutionDueAt: ts('resolution_due_at'),
    resolvedAt: ts('resolved_at'),
    closedAt: ts('closed_at'),
    slaPausedAt: ts('sla_paused_at'),
    /** earliest running target, null when none runs (paused, met, or no policy): the queue's sort key */
    slaDueAt: ts('sla_due_at'),
    slaBreaches: text('sla_breaches').array().notNull().default(sql`'{}'::text[]`),
    reopenCount: integer('reopen_count').notNull().default(0),
    /** 0 = first line; each escalation adds one, a hand-back takes one off */
    escalationLevel: integer('escalation_level').notNull().default(0),
    escalatedFromTeamId: uuid('escalated_from_team_id'),
    mergedIntoId: uuid('merged_into_id'),
    /**
     * The ticket's whole text: number and subject (weight A), description and customer (B), and the public
     * replies and internal notes (C), appended as they arrive (platform/search, tickets/ticket-text.ts).
     * One vector per ticket so a search is one index scan that ranks the tickets it finds: a second index over
     * the messages meant visiting every matching message row and then every ticket again (~140 ms for a
     * common word in a 100k-ticket organisation, more than the ranking itself).
     */
    searchVector: tsvector('search_vector'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('tickets_number_uq').on(t.tenantId, t.number),
    uniqueIndex('tickets_external_uq').on(t.tenantId, t.externalId),
    index('tickets_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('tickets_queue_idx').on(t.tenantId, t.teamId, t.status, t.slaDueAt, t.id),
    index('tickets_assignee_idx').on(t.tenantId, t.assigneeId, t.status, t.slaDueAt),
    index('tickets_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
    index('tickets_search_idx').using('gin', t.tenantId, t.searchVector),
  ],
);

export const ticketMessages = pgTable(
  'ticket_messages',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    ticketId: uuid('ticket_id').notNull(),
    kind: text('kind').notNull(),
    authorType: text('author_type').notNull(),
    authorUserId: uuid('author_user_id'),
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    channel: text('channel'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('ticket_messages_ticket_idx').on(t.tenantId, t.ticketId, t.createdAt),
  ],
);

/** Full history of a ticket: who changed what, when. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    ticketId: uuid('ticket_id').notNull(),
    type: text('type').notNull(),
    actorUserId: uuid('actor_user_id'),
    actorName: text('actor_name').notNull(),
    data: jsonb('data').notNull().default({}),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('ticket_events_ticket_idx').on(t.tenantId, t.ticketId, t.id)],
);
