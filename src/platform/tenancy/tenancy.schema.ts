import { sql } from 'drizzle-orm';
import { bigint, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** A tenant is its own tenant: `id` is the tenant_id every other table carries. */
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    defaultLocale: text('default_locale').notNull().default('zh-CN'),
    /** data: URL of a small image; served to the login page and the shell. */
    logo: text('logo'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tenants_slug_uq').on(sql`lower(${t.slug})`)],
);

/** Per-tenant counters for human-readable numbers (T-2026-000123), never a global sequence. */
export const counters = pgTable(
  'counters',
  {
    tenantId: uuid('tenant_id').notNull(),
    name: text('name').notNull(),
    value: bigint('value', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);
