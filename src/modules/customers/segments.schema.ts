import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Saved customer filters (SegmentFilter in segments.contract.ts); personal to the owner unless shared. */
export const segments = pgTable(
  'customer_segments',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    filter: jsonb('filter').notNull().default({}),
    shared: boolean('shared').notNull().default(false),
    ownerId: uuid('owner_id'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('customer_segments_owner_idx').on(t.tenantId, t.ownerId)],
);
