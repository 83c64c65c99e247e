import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { can } from '../../platform/auth/roles.contract.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { orderItems, orders } from '../orders/index.ts';
import { customerAddresses, customerConsents, customerIdentities, customers } from './customers.schema.ts';
import { segments } from './segments.schema.ts';
import { CreateSegment, SegmentFilter, UpdateSegment, type Segment, type SegmentFilterInput, type SegmentMember } from './segments.contract.ts';

type SegmentRow = typeof segments.$inferSelect;

const values = <T>(xs: readonly T[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);
const startOfDay = (day: string, zone: string) => DateTime.fromISO(day, { zone }).startOf('day').toJSDate();

/** The WHERE clause of a filter over `customers` (always this tenant, never merged-away rows). */
export function segmentWhere(tenantId: string, f: SegmentFilter, timeZone: string): SQL {
  const c = customers;
  const conds: SQL[] = [sql`${c.tenantId} = ${tenantId}`, sql`${c.mergedIntoId} is null`];
  if (f.tiers.length) conds.push(sql`${c.tier} in (${values(f.tiers)})`);
  if (f.kinds.length) conds.push(sql`${c.kind} in (${values(f.kinds)})`);
  if (f.ownerIds.length) conds.push(sql`${c.ownerId} in (${values(f.ownerIds.map((id) => sql`${id}::uuid`))})`);
  if (f.tags.length) conds.push(sql`${c.tags} && array[${values(f.tags)}]::text[]`);
  if (f.provinces.length || f.cities.length) {
    const a = customerAddresses;
    conds.push(sql`exists (select 1 from ${a} where ${a.tenantId} = ${tenantId} and ${a.customerId} = ${c.id}
      ${f.provinces.length ? sql`and ${a.province} in (${values(f.provinces)})` : sql``}
      ${f.cities.length ? sql`and ${a.city} in (${values(f.cities)})` : sql``})`);
  }
  if (f.neverPurchased) conds.push(sql`${c.lastOrderAt} is null`);
  if (f.lastPurchaseFrom) conds.push(sql`${c.lastOrderAt} >= ${startOfDay(f.lastPurchaseFrom, timeZone)}`);
  if (f.lastPurchaseBefore) conds.push(sql`${c.lastOrderAt} < ${startOfDay(f.lastPurchaseBefore, timeZone)}`);
  if (f.productIds.length) {
    conds.push(sql`exists (select 1 from ${orderItems} oi join ${orders} o on o.tenant_id = oi.tenant_id and o.id = oi.order_id
      where oi.tenant_id = ${tenantId} and o.customer_id = ${c.id} and o.status <> 'cancelled' and oi.refunded_quantity < oi.quantity
        and oi.product_id in (${values(f.productIds.map((id) => sql`${id}::uuid`))}))`);
  }
  if (f.birthdayMonths.length) conds.push(sql`extract(month from ${c.birthday})::int in (${values(f.birthdayMonths)})`);
  for (const ch of f.consents) {
    const k = customerConsents;
    conds.push(sql`exists (select 1 from ${k} where ${k.tenantId} = ${tenantId} and ${k.customerId} = ${c.id} and ${k.channel} = ${ch} and ${k.granted})`);
  }
  return and(...conds) as SQL;
}

function visible(ctx: Ctx, r: Pick<SegmentRow, 'shared' | 'ownerId'>): boolean {
  // jobs (campaign runs) act without a user and may use any segment of the tenant
  return r.shared || ctx.actor.userId === null || r.ownerId === ctx.actor.userId;
}

function mayChange(ctx: Ctx, r: Pick<SegmentRow, 'ownerId'>): boolean {
  return r.ownerId === ctx.actor.userId || can(ctx.actor.roles, 'customers.merge');
}

async function toSegments(q: Queryable, tenantId: string, rs: SegmentRow[]): Promise<Segment[]> {
  const ownerIds = [...new Set(rs.map((r) => r.ownerId).filter((x): x is string => !!x))];
  const owners = ownerIds.length ? await q.select({ id: users.id, name: users.name }).from(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, ownerIds))) : [];
  const name = new Map(owners.map((o) => [o.id, o.name]));
  return rs.map((r) => ({
    id: r.id, name: r.name, description: r.description, filter: SegmentFilter.parse(r.filter ?? {}), shared: r.shared, ownerId: r.ownerId,
    ownerName: r.ownerId ? (name.get(r.ownerId) ?? null) : null, version: r.version, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  }));
}

async function loadRow(q: Queryable, ctx: Ctx, id: string, lock = false): Promise<SegmentRow> {
  const base = q.select().from(segments).where(and(eq(segments.tenantId, ctx.tenantId), eq(segments.id, id)));
  const [r] = lock ? await base.for('update') : await base;
  if (!r || !visible(ctx, r)) throw notFound();
  return r;
}

export async function listSegments(ctx: Ctx): Promise<Segment[]> {
  const rs = await ctx.db
    .select()
    .from(segments)
    .where(and(eq(segments.tenantId, ctx.tenantId), ctx.actor.userId ? or(eq(segments.shared, true), eq(segments.ownerId, ctx.actor.userId)) : undefined))
    .orderBy(asc(segments.name), asc(segments.id));
  return toSegments(ctx.db, ctx.tenantId, rs);
}

export async function getSegment(ctx: Ctx, id: string): Promise<Segment> {
  return (await toSegments(ctx.db, ctx.tenantId, [await loadRow(ctx.db, ctx, id)]))[0];
}

export async function createSegment(ctx: Ctx, raw: CreateSegment): Promise<Segment> {
  const input = CreateSegment.parse(raw);
  return ctx.tx(async (tx) => {
    const [row] = await tx.insert(segments).values({ tenantId: ctx.tenantId, ...input, ownerId: ctx.actor.userId }).returning();
    const [s] = await toSegments(tx, ctx.tenantId, [row]);
    await recordChange(tx, ctx, { action: 'created', entityType: 'customer_segment', entityId: row.id, after: s });
    return s;
  });
}

export async function updateSegment(ctx: Ctx, id: string, raw: UpdateSegment): Promise<Segment> {
  const input = UpdateSegment.parse(raw);
  return ctx.tx(async (tx) => {
    const current = await loadRow(tx, ctx, id, true);
    if (!mayChange(ctx, current)) throw new AppError(403, 'segment_forbidden');
    checkVersion(current, input.version, 'segment');
    const { version: _v, ...patch } = input;
    const [row] = await tx
      .update(segments)
      .set({ ...patch, version: sql`${segments.version} + 1`, updatedAt: new Date() })
      .where(and(eq(segments.tenantId, ctx.tenantId), eq(segments.id, id)))
      .returning();
    const [before] = await toSegments(tx, ctx.tenantId, [current]);
    const [after] = await toSegments(tx, ctx.tenantId, [row]);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'customer_segment', entityId: id, before, after });
    return after;
  });
}

export async function deleteSegment(ctx: Ctx, id: string, version: number): Promise<void> {
  await ctx.tx(async (tx) => {
    const current = await loadRow(tx, ctx, id, true);
    if (!mayChange(ctx, current)) throw new AppError(403, 'segment_forbidden');
    checkVersion(current, version, 'segment');
    await tx.delete(segments).where(and(eq(segments.tenantId, ctx.tenantId), eq(segments.id, id)));
    await recordChange(tx, ctx, { action: 'deleted', entityType: 'customer_segment', entityId: id, before: (await toSegments(tx, ctx.tenantId, [current]))[0] });
  });
}

/** A saved segment's filter (visible to the caller) or a given filter, validated. */
export async function resolveFilter(ctx: Ctx, idOrFilter: string | SegmentFilterInput): Promise<SegmentFilter> {
  if (typeof idOrFilter === 'string') return SegmentFilter.parse((await loadRow(ctx.db, ctx, idOrFilter)).filter ?? {});
  return SegmentFilter.parse(idOrFilter);
}

/** How many customers match: live counts for the filter builder and the segment list. */
export async function countSegment(ctx: Ctx, idOrFilter: string | SegmentFilterInput): Promise<number> {
  const f = await resolveFilter(ctx, idOrFilter);
  const [r] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(customers).where(segmentWhere(ctx.tenantId, f, ctx.timeZone));
  return Number(r?.n ?? 0);
}

/**
 * Whether one customer matches a saved segment (or a filter) now: the same WHERE as counts and audiences,
 * narrowed to the primary key, so an event-driven campaign (a follow-up after a purchase) asks per customer
 * what a scheduled one gets by walking the segment. 404 when the segment is gone or not visible.
 */
export async function isInSegment(ctx: Ctx, idOrFilter: string | SegmentFilterInput, customerId: string): Promise<boolean> {
  const f = await resolveFilter(ctx, idOrFilter);
  const [r] = await ctx.db
    .select({ id: customers.id })
    .from(customers)
    .where(and(segmentWhere(ctx.tenantId, f, ctx.timeZone), eq(customers.id, customerId)));
  return !!r;
}

/**
 * The ids of matching customers in id order, `limit` at a time after `afterId`: campaigns and exports walk
 * an audience of any size this way with flat memory, and a customer added meanwhile is never seen twice.
 */
export async function segmentCustomerIds(ctx: Ctx, idOrFilter: string | SegmentFilterInput, page: { afterId?: string | null; limit?: number } = {}): Promise<string[]> {
  const f = await resolveFilter(ctx, idOrFilter);
  return idsAfter(ctx, f, page.afterId ?? null, Math.min(Math.max(page.limit ?? 500, 1), 5000));
}

async function idsAfter(ctx: Ctx, f: SegmentFilter, afterId: string | null, limit: number): Promise<string[]> {
  const where = segmentWhere(ctx.tenantId, f, ctx.timeZone);
  const rs = await ctx.db
    .select({ id: customers.id })
    .from(customers)
    .where(afterId ? and(where, gt(customers.id, afterId)) : where)
    .orderBy(asc(customers.id))
    .limit(limit);
  return rs.map((r) => r.id);
}

async function membersByIds(q: Queryable, tenantId: string, ids: string[]): Promise<SegmentMember[]> {
  if (!ids.length) return [];
  const rs = await q.select().from(customers).where(and(eq(customers.tenantId, tenantId), inArray(customers.id, ids))).orderBy(asc(customers.id));
  return rs.map((r) => ({
    id: r.id, name: r.name, kind: r.kind as SegmentMember['kind'], tier: r.tier, ordersCount: r.ordersCount, revenueFen: r.revenueFen,
    lastOrderAt: r.lastOrderAt?.toISOString() ?? null, birthday: r.birthday,
  }));
}

export async function segmentMembers(ctx: Ctx, idOrFilter: string | SegmentFilterInput, page: { afterId?: string; limit: number }): Promise<{ items: SegmentMember[]; nextAfterId: string | null }> {
  const f = await resolveFilter(ctx, idOrFilter);
  const ids = await idsAfter(ctx, f, page.afterId ?? null, page.limit + 1);
  const items = await membersByIds(ctx.db, ctx.tenantId, ids.slice(0, page.limit));
  return { items, nextAfterId: ids.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

export interface ExportRow extends SegmentMember {
  phone: string | null;
  email: string | null;
  province: string | null;
  city: string | null;
}

/** Pages of export rows (with first phone, e-mail and default address) for the platform export helper. */
export async function* segmentExportPages(ctx: Ctx, idOrFilter: string | SegmentFilterInput, pageSize = 1000): AsyncGenerator<ExportRow[]> {
  const f = await resolveFilter(ctx, idOrFilter);
  let after: string | null = null;
  for (;;) {
    const ids = await idsAfter(ctx, f, after, pageSize);
    if (!ids.length) return;
    const members = await membersByIds(ctx.db, ctx.tenantId, ids);
    const idents = await ctx.db.select().from(customerIdentities).where(and(eq(customerIdentities.tenantId, ctx.tenantId), inArray(customerIdentities.customerId, ids)));
    const addrs = await ctx.db
      .select()
      .from(customerAddresses)
      .where(and(eq(customerAddresses.tenantId, ctx.tenantId), inArray(customerAddresses.customerId, ids)))
      .orderBy(sql`${customerAddresses.isDefault} desc`, asc(customerAddresses.createdAt));
    const first = <T>(m: Map<string, T>, key: string, v: T) => void (m.has(key) || m.set(key, v));
    const phone = new Map<string, string>();
    const email = new Map<string, string>();
    const addr = new Map<string, (typeof addrs)[number]>();
    for (const i of idents) {
      if (i.kind === 'phone') first(phone, i.customerId, i.value);
      else if (i.kind === 'email') first(email, i.customerId, i.value);
    }
    for (const a of addrs) first(addr, a.customerId, a);
    yield members.map((m) => ({ ...m, phone: phone.get(m.id) ?? null, email: email.get(m.id) ?? null, province: addr.get(m.id)?.province ?? null, city: addr.get(m.id)?.city ?? null }));
    after = ids[ids.length - 1];
    if (ids.length < pageSize) return;
  }
}
