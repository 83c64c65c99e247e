import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, index } from 'drizzle-orm/pg-core';
import type { SlaConditions } from './sla.contract.ts';

export const slaPolicies = pgTable(
  'sla_policies',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    position: integer('position').notNull().default(100),
    active: boolean('active').notNull().default(true),
    conditions: jsonb('conditions').$type<SlaConditions>().notNull(),
    firstResponseMinutes: integer('first_response_minutes'),
    nextResponseMinutes: integer('next_response_minutes'),
    resolutionMinutes: integer('resolution_minutes'),
    calendarId: uuid('calendar_id').notNull(),
    warnAtPercent: integer('warn_at_percent').notNull().default(80),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('sla_policies_order_idx').on(t.tenantId, t.position)],
);
