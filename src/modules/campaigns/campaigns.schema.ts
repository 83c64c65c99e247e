import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** Message templates: one row per template, both language versions in `bodies` ({ 'zh-CN': {…}, en: {…} }). */
export const campaignTemplates = pgTable(
  'campaign_templates',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    /** email | sms */
    channel: text('channel').notNull(),
    bodies: jsonb('bodies').notNull().default({}),
    /** the SMS provider's approved template id (Chinese gateways require one) */
    smsTemplateId: text('sms_template_id'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('campaign_templates_name_idx').on(t.tenantId, t.name)],
);

/**
 * A care campaign. `schedule` is kind-specific (birthday: send time; holiday: calendar, holiday, days
 * before; promotion: send-at; maintenance: category and months; follow-ups: days after and script).
 */
export const campaigns = pgTable(
  'campaigns',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    /** birthday | holiday | promotion | maintenance | followup_purchase | followup_repair */
    kind: text('kind').notNull(),
    /** draft | active | paused | done */
    status: text('status').notNull().default('draft'),
    /** email | sms | call */
    channel: text('channel').notNull(),
    templateId: uuid('template_id'),
    /** audience: a saved segment of the customers module; null = every customer */
    segmentId: uuid('segment_id'),
    schedule: jsonb('schedule').notNull().default({}),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('campaigns_status_idx').on(t.tenantId, t.status, t.kind)],
);

/**
 * The delivery log, one row per (campaign, customer, occasion). The unique key is inserted before anything
 * is sent: it is what makes "never twice for the same occasion" hold across job retries and restarts.
 */
export const campaignMessages = pgTable(
  'campaign_messages',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    campaignId: uuid('campaign_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    /** e.g. birthday:2026, holiday:春节:2026-02-15, promotion, maintenance:<order id> */
    occasionKey: text('occasion_key').notNull(),
    /** email | sms; call = a follow-up call task that was not created (status skipped, reason says why) */
    channel: text('channel').notNull(),
    /** queued | sending | sent | failed | skipped */
    status: text('status').notNull().default('queued'),
    /** why skipped or failed: no_consent, capped, no_address, unsubscribed, or the provider's error */
    reason: text('reason'),
    toAddress: text('to_address'),
    locale: text('locale'),
    subject: text('subject'),
    body: text('body'),
    /** e-mail: the HTML alternative as sent (tracking pixel and links included) */
    html: text('html'),
    /** values the template needs beyond the customer (holiday name, order number, product) */
    vars: jsonb('vars').notNull().default({}),
    providerRef: text('provider_ref'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
    openedAt: ts('opened_at'),
    clickedAt: ts('clicked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('campaign_messages_occasion_uq').on(t.tenantId, t.campaignId, t.customerId, t.occasionKey),
    index('campaign_messages_campaign_idx').on(t.tenantId, t.campaignId, t.createdAt),
    index('campaign_messages_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
  ],
);

/** Follow-up calls (回访) for agents: one per (campaign, customer, occasion), same rule as messages. */
export const callTasks = pgTable(
  'call_tasks',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    campaignId: uuid('campaign_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    /** order:<id> | ticket:<id> */
    occasionKey: text('occasion_key').notNull(),
    /** order | ticket */
    sourceType: text('source_type').notNull(),
    sourceId: uuid('source_id').notNull(),
    assigneeId: uuid('assignee_id'),
    dueAt: ts('due_at').notNull(),
    script: text('script').notNull().default(''),
    /** open | done */
    status: text('status').notNull().default('open'),
    /** reached | not_reached | satisfied | problem */
    outcome: text('outcome'),
    notes: text('notes'),
    callAttempts: integer('call_attempts').notNull().default(0),
    ticketId: uuid('ticket_id'),
    completedAt: ts('completed_at'),
    completedBy: uuid('completed_by'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('call_tasks_occasion_uq').on(t.tenantId, t.campaignId, t.customerId, t.occasionKey),
    index('call_tasks_assignee_idx').on(t.tenantId, t.status, t.assigneeId, t.dueAt),
    index('call_tasks_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
  ],
);

/** Per-tenant campaign settings: frequency cap, SMS gateway, the key that signs unsubscribe and tracking links. */
export const campaignSettings = pgTable('campaign_settings', {
  tenantId: uuid('tenant_id').notNull().primaryKey(),
  capMessages: integer('cap_messages').notNull().default(4),
  capWindowDays: integer('cap_window_days').notNull().default(30),
  /** local time of day ('HH:mm') at which the daily campaign run starts */
  dailyRunAt: text('daily_run_at').notNull().default('09:00'),
  smsGatewayUrl: text('sms_gateway_url'),
  /** hmac | bearer */
  smsAuth: text('sms_auth').notNull().default('hmac'),
  smsSecret: text('sms_secret'),
  smsSignature: text('sms_signature').notNull().default(''),
  linkSecret: text('link_secret')
    .notNull()
    .default(sql`md5(random()::text || clock_timestamp()::text) || md5(random()::text)`),
  version: integer('version').notNull().default(1),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
