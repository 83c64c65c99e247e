import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../tenancy/ctx.ts';
import type { Queryable } from '../db/db.ts';
import { notFound } from '../http/errors.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { users } from '../auth/auth.schema.ts';
import { notifications } from './notifications.schema.ts';
import type { Notification, NotificationListQuery, NotificationPage, NotificationParams } from './notifications.contract.ts';

type Row = typeof notifications.$inferSelect;

export interface NewNotification {
  userId: string;
  kind: string;
  entityType: string;
  entityId: string;
  params: NotificationParams;
  /** the cause (e.g. the outbox event or ticket event); a repeat with the same key is ignored */
  dedupeKey: string;
}

/**
 * Stores notifications for users of this tenant. Unknown or deactivated users are skipped, so a
 * subscriber can pass ids straight from an event payload. Returns how many were new.
 */
export async function notify(q: Queryable, tenantId: string, items: NewNotification[]): Promise<number> {
  const ids = [...new Set(items.map((i) => i.userId))];
  if (!ids.length) return 0;
  const active = await q.select({ id: users.id }).from(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, ids), eq(users.active, true)));
  const ok = new Set(active.map((u) => u.id));
  const rows = items.filter((i) => ok.has(i.userId));
  if (!rows.length) return 0;
  const inserted = await q
    .insert(notifications)
    .values(rows.map((i) => ({ tenantId, userId: i.userId, kind: i.kind, entityType: i.entityType, entityId: i.entityId, params: i.params, dedupeKey: i.dedupeKey })))
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  return inserted.length;
}

function toDto(r: Row): Notification {
  return {
    id: r.id,
    kind: r.kind,
    entityType: r.entityType,
    entityId: r.entityId,
    params: r.params as NotificationParams,
    readAt: r.readAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Notifications belong to a person: an API token (no user) has none. */
function mine(ctx: Ctx): SQL {
  return and(eq(notifications.tenantId, ctx.tenantId), ctx.actor.userId ? eq(notifications.userId, ctx.actor.userId) : sql`false`)!;
}

async function unreadCount(ctx: Ctx): Promise<number> {
  const [r] = await ctx.db.select({ n: sql<number | string>`count(*)` }).from(notifications).where(and(mine(ctx), isNull(notifications.readAt)));
  return Number(r?.n ?? 0);
}

/** Newest first, with the number still unread (for the bell's badge). */
export async function listNotifications(ctx: Ctx, q: NotificationListQuery): Promise<NotificationPage> {
  const conds: SQL[] = [mine(ctx)];
  if (q.unread === 'true') conds.push(isNull(notifications.readAt));
  if (q.unread === 'false') conds.push(sql`${notifications.readAt} is not null`);
  const after = decodeCursor(q.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${notifications.createdAt}, ${notifications.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rs = await ctx.db
    .select()
    .from(notifications)
    .where(and(...conds))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(q.limit + 1);
  const p = toPage(rs, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: p.items.map(toDto), nextCursor: p.nextCursor, unreadCount: await unreadCount(ctx) };
}

/*
 * Read marks are the reader's own bookkeeping, not a change to shared data: they write neither audit rows
 * nor outbox events (an audit trail of "who read which bell entry" would only be noise).
 */

/** Marks one of my notifications read (again: keeps the first read time). Someone else's is a 404. */
export async function markRead(ctx: Ctx, id: string): Promise<Notification> {
  const [row] = await ctx.db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(mine(ctx), eq(notifications.id, id)))
    .returning();
  if (!row) throw notFound();
  return toDto(row);
}

export async function markAllRead(ctx: Ctx): Promise<{ updated: number; unreadCount: number }> {
  const rs = await ctx.db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(mine(ctx), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { updated: rs.length, unreadCount: await unreadCount(ctx) };
}
