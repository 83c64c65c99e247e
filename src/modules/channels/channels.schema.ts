import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/files/files.schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** One row per tenant: how its mail goes out, whether it auto-replies, and its optional IMAP mailbox. */
export const mailSettings = pgTable('mail_settings', {
  tenantId: uuid('tenant_id').notNull().primaryKey(),
  fromAddress: text('from_address').notNull(),
  fromName: text('from_name').notNull().default(''),
  autoReply: boolean('auto_reply').notNull().default(true),
  imapEnabled: boolean('imap_enabled').notNull().default(false),
  imapHost: text('imap_host'),
  imapPort: integer('imap_port').notNull().default(993),
  imapTls: boolean('imap_tls').notNull().default(true),
  imapUser: text('imap_user'),
  /** encrypted with the server's secrets key (platform/crypto: `v1:…`); older plain values are encrypted at start-up */
  imapPassword: text('imap_password'),
  imapFolder: text('imap_folder').notNull().default('INBOX'),
  imapIntervalMinutes: integer('imap_interval_minutes').notNull().default(5),
  /** accept (and mark in the log) | reject (550 at SMTP) mail whose DMARC check fails */
  dmarcPolicy: text('dmarc_policy').notNull().default('accept'),
  /** the tenant's own auto-reply text with {{number}}, {{subject}}, {{name}}; null → the built-in one in the tenant's language */
  autoReplySubject: text('auto_reply_subject'),
  autoReplyBody: text('auto_reply_body'),
  /** highest IMAP UID already taken in, per folder validity (uidvalidity:uid) */
  imapCursor: text('imap_cursor'),
  version: integer('version').notNull().default(1),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Inbound addresses. Mail is routed to a tenant by RCPT TO, so an address belongs to one tenant only: the
 * lookup index is on the address alone (routing happens before any tenant is known); uniqueness across
 * tenants is enforced by the service under an advisory lock, because a unique index must lead with tenant_id.
 */
export const mailAddresses = pgTable(
  'mail_addresses',
  {
    tenantId: uuid('tenant_id').notNull(),
    address: text('address').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.address] }), index('mail_addresses_address_idx').on(t.address)],
);

/**
 * Every accepted inbound message, raw and parsed, written before the SMTP 250. `status` received → processed
 * (ticket/message made) | duplicate | failed; the processing job retries until processed.
 */
export const inboundEmails = pgTable(
  'inbound_emails',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    source: text('source').notNull(),
    /** IMAP: folder/uidvalidity/uid — makes re-polling idempotent */
    sourceKey: text('source_key'),
    envelopeFrom: text('envelope_from'),
    envelopeTo: text('envelope_to').array().notNull().default(sql`'{}'::text[]`),
    raw: bytea('raw').notNull(),
    size: integer('size').notNull(),
    messageId: text('message_id'),
    inReplyTo: text('in_reply_to').array().notNull().default(sql`'{}'::text[]`),
    references: text('references').array().notNull().default(sql`'{}'::text[]`),
    subject: text('subject').notNull().default(''),
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    text: text('text').notNull().default(''),
    /** sanitised HTML, safe to render */
    html: text('html'),
    /** [{ fileId, filename, contentType, size, inline, cid }] */
    attachments: jsonb('attachments').notNull().default([]),
    /** why no auto-reply may be sent (auto-responder, list, …), null for a person */
    automated: text('automated'),
    /** SMTP client seen by the listener (null for IMAP and imports) */
    remoteIp: text('remote_ip'),
    helo: text('helo'),
    /** SPF / DKIM / DMARC verdicts (pass, fail, softfail, neutral, none, temperror, permerror, policy); null: not checked */
    authSpf: text('auth_spf'),
    authDkim: text('auth_dkim'),
    authDmarc: text('auth_dmarc'),
    /** the Authentication-Results header we computed, for the log and for support questions */
    authResults: text('auth_results'),
    status: text('status').notNull().default('received'),
    error: text('error'),
    ticketId: uuid('ticket_id'),
    ticketMessageId: uuid('ticket_message_id'),
    receivedAt: ts('received_at').notNull().defaultNow(),
    processedAt: ts('processed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('inbound_emails_source_uq').on(t.tenantId, t.sourceKey),
    index('inbound_emails_status_idx').on(t.tenantId, t.status, t.receivedAt),
    index('inbound_emails_ticket_idx').on(t.tenantId, t.ticketId, t.receivedAt),
    // messages move between tickets on merge: the console finds a message's mail by the message id
    index('inbound_emails_message_idx').on(t.tenantId, t.ticketMessageId),
  ],
);

/** Message-IDs seen or sent per ticket: the threading index (In-Reply-To / References → ticket). */
export const mailThreads = pgTable(
  'mail_threads',
  {
    tenantId: uuid('tenant_id').notNull(),
    messageId: text('message_id').notNull(),
    ticketId: uuid('ticket_id').notNull(),
    direction: text('direction').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.messageId] }), index('mail_threads_ticket_idx').on(t.tenantId, t.ticketId, t.createdAt)],
);

/** Outgoing mail, whatever the transport: the admin's outbox and the send log. */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    /** auto_reply | reply | campaign (stored here only while delivery is local) */
    kind: text('kind').notNull(),
    ticketId: uuid('ticket_id'),
    ticketMessageId: uuid('ticket_message_id'),
    fromAddress: text('from_address').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    messageId: text('message_id').notNull(),
    raw: text('raw').notNull(),
    /** queued | sent | failed */
    status: text('status').notNull().default('queued'),
    /** smtp | local */
    transport: text('transport'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('mail_outbox_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('mail_outbox_to_idx').on(t.tenantId, t.toAddress, t.kind, t.createdAt),
    uniqueIndex('mail_outbox_message_uq').on(t.tenantId, t.ticketMessageId, t.kind),
  ],
);

/** Files attached to a ticket message (mail attachments and inline images). */
export const messageAttachments = pgTable(
  'message_attachments',
  {
    tenantId: uuid('tenant_id').notNull(),
    messageId: uuid('message_id').notNull(),
    fileId: uuid('file_id').notNull(),
    ticketId: uuid('ticket_id').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    inline: boolean('inline').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.messageId, t.fileId] }), index('message_attachments_ticket_idx').on(t.tenantId, t.ticketId, t.createdAt)],
);
