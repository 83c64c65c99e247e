import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../tenancy/ctx.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { auditLog } from './audit.schema.ts';
import type { AuditEntry, AuditFilter, AuditQuery } from './audit.contract.ts';

type AuditRow = typeof auditLog.$inferSelect;

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: Number(r.id),
    at: r.at.toISOString(),
    actorUserId: r.actorUserId,
    actorTokenId: r.actorTokenId,
    actorName: r.actorName,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    before: r.before ?? null,
    after: r.after ?? null,
    ip: r.ip,
    requestId: r.requestId,
  };
}

function filterConds(ctx: Ctx, f: AuditFilter): SQL[] {
  const conds: SQL[] = [eq(auditLog.tenantId, ctx.tenantId)];
  if (f.userId) conds.push(eq(auditLog.actorUserId, f.userId));
  if (f.entityType) conds.push(eq(auditLog.entityType, f.entityType));
  if (f.entityId) conds.push(eq(auditLog.entityId, f.entityId));
  if (f.action) conds.push(eq(auditLog.action, f.action));
  if (f.from) conds.push(gte(auditLog.at, new Date(f.from)));
  if (f.to) conds.push(lt(auditLog.at, new Date(f.to)));
  return conds;
}

async function fetchPage(ctx: Ctx, f: AuditFilter, limit: number, after: (string | number)[] | undefined) {
  const conds = filterConds(ctx, f);
  if (after) conds.push(sql`(${auditLog.at}, ${auditLog.id}) < (${after[0]}::timestamptz, ${after[1]}::bigint)`);
  const rs = await ctx.db.select().from(auditLog).where(and(...conds)).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit + 1);
  return toPage(rs, limit, (r) => [r.at.toISOString(), Number(r.id)]);
}

/** Newest first, keyset-paginated on (at, id). */
export async function listAudit(ctx: Ctx, q: AuditQuery) {
  const { limit, cursor, ...filter } = q;
  const p = await fetchPage(ctx, filter, limit, decodeCursor(cursor, ['string', 'number']));
  return { items: p.items.map(toEntry), nextCursor: p.nextCursor };
}

/** All matching entries, newest first, in batches: an export never holds the whole log in memory. */
export async function* exportAudit(ctx: Ctx, filter: AuditFilter, batch = 1000): AsyncGenerator<AuditEntry> {
  let after: (string | number)[] | undefined;
  for (;;) {
    const p = await fetchPage(ctx, filter, batch, after);
    for (const r of p.items) yield toEntry(r);
    if (!p.nextCursor) return;
    const last = p.items[p.items.length - 1];
    after = [last.at.toISOString(), Number(last.id)];
  }
}
