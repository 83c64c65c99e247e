import { doublePrecision, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The tenant's assumptions for predicted CLV (PRODUCT.md KPI section): one row per tenant, absent until an
 * admin saves it (the service then answers with the defaults). A table of its own rather than columns on
 * `tenants`, so the platform does not learn about a business module.
 */
export const clvSettings = pgTable('clv_settings', {
  tenantId: uuid('tenant_id').notNull().primaryKey(),
  /** How long a customer is expected to keep buying, years (e.g. 3.5). */
  expectedLifetimeYears: doublePrecision('expected_lifetime_years').notNull(),
  /** Share of revenue that is margin, 0..1 (e.g. 0.25). */
  marginRate: doublePrecision('margin_rate').notNull(),
  currency: text('currency').notNull().default('CNY'),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});
