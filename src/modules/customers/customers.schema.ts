import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const customers = pgTable(
  'customers',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    kind: text('kind').notNull().default('individual'),
    name: text('name').notNull(),
    tier: text('tier').notNull().default('regular'),
    dedicatedAgentId: uuid('dedicated_agent_id'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('customers_name_idx').on(t.tenantId, t.name)],
);

/**
 * How a customer is recognised on any channel: a normalised e-mail, an E.164 phone number, or an external
 * id (`wechat:openid`, `shop:member-42`). One identity belongs to one customer.
 */
export const customerIdentities = pgTable(
  'customer_identities',
  {
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    customerId: uuid('customer_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind, t.value] }), index('customer_identities_customer_idx').on(t.tenantId, t.customerId)],
);
