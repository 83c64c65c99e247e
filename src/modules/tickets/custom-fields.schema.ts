import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { FieldOption } from './custom-fields.contract.ts';

/** Form fields an admin defines per ticket type; tickets keep the values in tickets.custom_fields under `key`. */
export const ticketFieldDefs = pgTable(
  'ticket_field_defs',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    key: text('key').notNull(),
    labelZh: text('label_zh').notNull(),
    labelEn: text('label_en').notNull(),
    fieldType: text('field_type').notNull(),
    options: jsonb('options').$type<FieldOption[]>().notNull().default([]),
    required: boolean('required').notNull().default(false),
    /** empty = every ticket type */
    ticketTypes: text('ticket_types').array().notNull().default(sql`'{}'::text[]`),
    position: integer('position').notNull().default(100),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // keys stay reserved after deactivation: old tickets still hold values under them
    uniqueIndex('ticket_field_defs_key_uq').on(t.tenantId, t.key),
    index('ticket_field_defs_order_idx').on(t.tenantId, t.position),
  ],
);
