import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** A signed inbound webhook endpoint for a gateway (WeChat, mini-program, SMS, other). */
export const inboundChannels = pgTable(
  'inbound_channels',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    /** URL segment: /api/v1/public/inbound/<tenant>/<key> */
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    /** HMAC-SHA256 key shared with the gateway; shown once, stored encrypted (platform/crypto) */
    secret: text('secret').notNull(),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('inbound_channels_key_uq').on(t.tenantId, t.key)],
);

/** Each accepted gateway message once: a retried delivery with the same id does nothing twice. */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    tenantId: uuid('tenant_id').notNull(),
    channelId: uuid('channel_id').notNull(),
    externalMessageId: text('external_message_id').notNull(),
    ticketId: uuid('ticket_id').notNull(),
    messageId: uuid('message_id'),
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channelId, t.externalMessageId] }), index('inbound_messages_ticket_idx').on(t.tenantId, t.ticketId)],
);
