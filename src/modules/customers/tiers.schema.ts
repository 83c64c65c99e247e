import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Per-tenant settings of the RFM tiering (one row per tenant; defaults apply while there is none):
 * the window over which frequency, monetary value and engagement are counted, what counts as engagement,
 * and the state of the last recompute run (shown on the admin page while it runs).
 */
export const tierSettings = pgTable('tier_settings', {
  tenantId: uuid('tenant_id').notNull().primaryKey(),
  windowMonths: integer('window_months').notNull().default(12),
  /** Interaction kinds counted as engagement in the window: 'tickets' (any ticket the customer opened). */
  engagementSources: text('engagement_sources').array().notNull().default(['tickets']),
  nightly: boolean('nightly').notNull().default(true),
  /** { state: queued|running|done|failed, requestedAt, startedAt, finishedAt, result, error } */
  lastRun: jsonb('last_run'),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * A manager's manual tier for one customer. While it stands, recomputes leave the customer alone; the
 * change itself is written to customer_tier_history with reason 'manual'.
 */
export const customerTierOverrides = pgTable(
  'customer_tier_overrides',
  {
    tenantId: uuid('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    tier: text('tier').notNull(),
    reason: text('reason').notNull(),
    /** Inclusive last day (tenant date); null = until removed. */
    until: timestamp('until', { withTimezone: true, precision: 3 }),
    actorId: uuid('actor_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.customerId] }), index('customer_tier_overrides_tier_idx').on(t.tenantId, t.tier)],
);
