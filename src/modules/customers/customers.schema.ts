import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Written through platform/search's searchVector(); never read back into JS. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const customers = pgTable(
  'customers',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    kind: text('kind').notNull().default('individual'),
    name: text('name').notNull(),
    tier: text('tier').notNull().default('regular'),
    dedicatedAgentId: uuid('dedicated_agent_id'),
    /** A contact person's company (a customer of kind 'company'). */
    companyId: uuid('company_id'),
    /** 'male' | 'female' | 'unknown' */
    gender: text('gender').notNull().default('unknown'),
    birthday: date('birthday', { mode: 'string' }),
    /** Language for templates and mail: 'zh-CN' | 'en'. */
    language: text('language').notNull().default('zh-CN'),
    /** Free-form preferences (preferred contact time, channel, product interests). */
    preferences: jsonb('preferences').notNull().default({}),
    tags: text('tags').array().notNull().default([]),
    /** The sales rep who owns the relationship. */
    ownerId: uuid('owner_id'),
    /** Where the record came from: manual, import, email, web_form, api, phone … */
    source: text('source').notNull().default('manual'),
    /** Set when this customer was merged into another; the row stays so old links resolve. */
    mergedIntoId: uuid('merged_into_id'),
    tierChangedAt: timestamp('tier_changed_at', { withTimezone: true, precision: 3 }),
    // Purchase aggregates, kept by the orders module in the order's transaction so that lists, segments
    // and RFM read one row per customer instead of aggregating order lines.
    ordersCount: integer('orders_count').notNull().default(0),
    /** Net revenue (after refunds) over all orders, fen. */
    revenueFen: bigint('revenue_fen', { mode: 'number' }).notNull().default(0),
    /** Historical CLV (PRODUCT.md KPI): sum of (revenue − cost), or revenue where cost is unknown, fen. */
    clvFen: bigint('clv_fen', { mode: 'number' }).notNull().default(0),
    firstOrderAt: timestamp('first_order_at', { withTimezone: true, precision: 3 }),
    lastOrderAt: timestamp('last_order_at', { withTimezone: true, precision: 3 }),
    searchVector: tsvector('search_vector'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('customers_name_idx').on(t.tenantId, t.name),
    index('customers_company_idx').on(t.tenantId, t.companyId),
    // "merged into this one" on the 360 page; partial: almost no customer is merged
    index('customers_merged_idx').on(t.tenantId, t.mergedIntoId).where(sql`merged_into_id is not null`),
    index('customers_owner_idx').on(t.tenantId, t.ownerId),
    index('customers_tier_idx').on(t.tenantId, t.tier),
    index('customers_last_order_idx').on(t.tenantId, t.lastOrderAt),
    index('customers_search_idx').using('gin', t.tenantId, t.searchVector),
  ],
);

/** Postal addresses in the Chinese order: province / city / district / street. */
export const customerAddresses = pgTable(
  'customer_addresses',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    customerId: uuid('customer_id').notNull(),
    label: text('label'),
    recipient: text('recipient'),
    phone: text('phone'),
    province: text('province').notNull(),
    city: text('city').notNull(),
    district: text('district'),
    street: text('street').notNull(),
    postalCode: text('postal_code'),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('customer_addresses_customer_idx').on(t.tenantId, t.customerId)],
);

/** Marketing consent per channel (email, sms, phone, wechat); no row means no consent. */
export const customerConsents = pgTable(
  'customer_consents',
  {
    tenantId: uuid('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    channel: text('channel').notNull(),
    granted: boolean('granted').notNull(),
    /** How it was given or withdrawn: form, import, agent, unsubscribe_link … */
    source: text('source').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.customerId, t.channel] })],
);

export const customerNotes = pgTable(
  'customer_notes',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    customerId: uuid('customer_id').notNull(),
    authorId: uuid('author_id'),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('customer_notes_customer_idx').on(t.tenantId, t.customerId, t.createdAt)],
);

/** Tiers of a tenant: names, RFM thresholds and the service standards that come with them. */
export const tierDefinitions = pgTable(
  'tier_definitions',
  {
    tenantId: uuid('tenant_id').notNull(),
    code: text('code').notNull(),
    /** Higher rank = better tier; the lowest rank is the default every customer starts in. */
    rank: integer('rank').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    color: text('color'),
    minMonetaryFen: bigint('min_monetary_fen', { mode: 'number' }),
    minFrequency: integer('min_frequency'),
    maxRecencyDays: integer('max_recency_days'),
    minEngagement: integer('min_engagement'),
    routingPriority: integer('routing_priority').notNull().default(0),
    dedicatedAgent: boolean('dedicated_agent').notNull().default(false),
    /** [{ zh, en }] shown to agents on the ticket. */
    benefits: jsonb('benefits').notNull().default([]),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.code] })],
);

export const customerTierHistory = pgTable(
  'customer_tier_history',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    customerId: uuid('customer_id').notNull(),
    fromTier: text('from_tier'),
    toTier: text('to_tier').notNull(),
    /** rfm_nightly | order | manual | merge | import */
    reason: text('reason').notNull(),
    /** The figures behind the decision: recency days, frequency, monetary fen, engagement, window. */
    details: jsonb('details').notNull().default({}),
    actorId: uuid('actor_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('customer_tier_history_customer_idx').on(t.tenantId, t.customerId, t.createdAt)],
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
