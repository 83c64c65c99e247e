import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * In-app notifications for one user. The text is not stored: `kind` + `params` are rendered in the reader's
 * language by the web app, so a notification reads right after the user switches language.
 */
export const notifications = pgTable(
  'notifications',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id').notNull(),
    /** e.g. ticket.mentioned, ticket.assigned, ticket.sla_breached */
    kind: text('kind').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    /** values for the title: ticket number, subject, who did it, … */
    params: jsonb('params').notNull().default({}),
    /** subscribers run at least once: the same cause never notifies the same user twice */
    dedupeKey: text('dedupe_key').notNull(),
    readAt: timestamp('read_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('notifications_dedupe_uq').on(t.tenantId, t.userId, t.dedupeKey),
    index('notifications_user_idx').on(t.tenantId, t.userId, t.createdAt, t.id),
    index('notifications_unread_idx').on(t.tenantId, t.userId).where(sql`read_at is null`),
  ],
);
