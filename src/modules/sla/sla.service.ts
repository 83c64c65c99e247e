import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { AppError, notFound, fieldError } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { getCalendar } from '../../platform/calendar/calendar.service.ts';
import { tierCodes } from '../customers/index.ts';
import { slaPolicies } from './sla.schema.ts';
import type { CreateSlaPolicy, SlaConditions, SlaPolicy, UpdateSlaPolicy } from './sla.contract.ts';

type PolicyRow = typeof slaPolicies.$inferSelect;

function toPolicy(r: PolicyRow): SlaPolicy {
  return {
    id: r.id,
    name: r.name,
    position: r.position,
    active: r.active,
    conditions: r.conditions,
    firstResponseMinutes: r.firstResponseMinutes,
    nextResponseMinutes: r.nextResponseMinutes,
    resolutionMinutes: r.resolutionMinutes,
    calendarId: r.calendarId,
    warnAtPercent: r.warnAtPercent,
    version: r.version,
  };
}

export interface SlaSubject {
  type: string;
  priority: string;
  channel: string;
  tier: string;
}

export function matches(c: SlaConditions, s: SlaSubject): boolean {
  const ok = (list: readonly string[], v: string) => list.length === 0 || list.includes(v);
  return ok(c.types, s.type) && ok(c.priorities, s.priority) && ok(c.channels, s.channel) && ok(c.tiers, s.tier);
}

export async function listPolicies(ctx: Pick<Ctx, 'db' | 'tenantId'>): Promise<SlaPolicy[]> {
  const rs = await ctx.db.select().from(slaPolicies).where(eq(slaPolicies.tenantId, ctx.tenantId)).orderBy(asc(slaPolicies.position), asc(slaPolicies.name));
  return rs.map(toPolicy);
}

/** The first active policy, in position order, whose conditions match the ticket. */
export async function selectPolicy(q: Queryable, tenantId: string, subject: SlaSubject): Promise<SlaPolicy | null> {
  return firstMatching(await activePolicies(q, tenantId), subject);
}

/** The active policies in the order they are tried (what a settings cache keeps). */
export async function activePolicies(q: Queryable, tenantId: string): Promise<SlaPolicy[]> {
  const rs = await q
    .select()
    .from(slaPolicies)
    .where(and(eq(slaPolicies.tenantId, tenantId), eq(slaPolicies.active, true)))
    .orderBy(asc(slaPolicies.position), asc(slaPolicies.name));
  return rs.map(toPolicy);
}

export function firstMatching(active: readonly SlaPolicy[], subject: SlaSubject): SlaPolicy | null {
  return active.find((p) => matches(p.conditions, subject)) ?? null;
}

/** Names of policies by id, for ticket lists (one query for a page). */
export async function policyNames(q: Queryable, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rs = await q.select({ id: slaPolicies.id, name: slaPolicies.name }).from(slaPolicies).where(and(eq(slaPolicies.tenantId, tenantId), inArray(slaPolicies.id, unique)));
  return new Map(rs.map((r) => [r.id, r.name]));
}

export async function getPolicy(q: Queryable, tenantId: string, id: string): Promise<SlaPolicy | null> {
  const [r] = await q.select().from(slaPolicies).where(and(eq(slaPolicies.tenantId, tenantId), eq(slaPolicies.id, id)));
  return r ? toPolicy(r) : null;
}

async function calendarId(ctx: Ctx, idOrCode: string): Promise<string> {
  try {
    return (await getCalendar(ctx, idOrCode)).id;
  } catch {
    throw fieldError('calendar', 'not_found', 422);
  }
}

/** Conditions may only name tiers the tenant defines (codes are tenant-defined, not a fixed list). */
async function checkTiers(ctx: Ctx, c: SlaConditions | undefined): Promise<void> {
  if (!c?.tiers.length) return;
  const known = new Set(await tierCodes(ctx.db, ctx.tenantId));
  const bad = c.tiers.flatMap((code, i) => (known.has(code) ? [] : [{ path: `conditions.tiers.${i}`, code: 'errors.unknown_tier', params: { code } }]));
  if (bad.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: bad });
}

export async function createPolicy(ctx: Ctx, input: CreateSlaPolicy): Promise<SlaPolicy> {
  await checkTiers(ctx, input.conditions);
  const cal = await calendarId(ctx, input.calendar);
  return ctx.tx(async (tx) => {
    const { calendar: _c, ...fields } = input;
    const [row] = await tx.insert(slaPolicies).values({ ...fields, tenantId: ctx.tenantId, calendarId: cal }).returning();
    const policy = toPolicy(row);
    await recordChange(tx, ctx, { action: 'created', entityType: 'sla_policy', entityId: row.id, after: policy });
    return policy;
  });
}

export async function updatePolicy(ctx: Ctx, id: string, input: UpdateSlaPolicy): Promise<SlaPolicy> {
  await checkTiers(ctx, input.conditions);
  const cal = input.calendar ? await calendarId(ctx, input.calendar) : undefined;
  return ctx.tx(async (tx) => {
    const [current] = await tx.select().from(slaPolicies).where(and(eq(slaPolicies.tenantId, ctx.tenantId), eq(slaPolicies.id, id))).for('update');
    checkVersion(current, input.version, 'SLA policy');
    const { version: _v, calendar: _c, ...patch } = input;
    const [row] = await tx
      .update(slaPolicies)
      .set({ ...patch, ...(cal ? { calendarId: cal } : {}), version: sql`${slaPolicies.version} + 1`, updatedAt: new Date() })
      .where(and(eq(slaPolicies.tenantId, ctx.tenantId), eq(slaPolicies.id, id)))
      .returning();
    const after = toPolicy(row);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'sla_policy', entityId: id, before: toPolicy(current), after });
    return after;
  });
}

export async function deletePolicy(ctx: Ctx, id: string, version: number): Promise<void> {
  await ctx.tx(async (tx) => {
    const [current] = await tx.select().from(slaPolicies).where(and(eq(slaPolicies.tenantId, ctx.tenantId), eq(slaPolicies.id, id))).for('update');
    if (!current) throw notFound();
    checkVersion(current, version, 'SLA policy');
    await tx.delete(slaPolicies).where(and(eq(slaPolicies.tenantId, ctx.tenantId), eq(slaPolicies.id, id)));
    await recordChange(tx, ctx, { action: 'deleted', entityType: 'sla_policy', entityId: id, before: toPolicy(current) });
  });
}

/**
 * The defaults from the domain sources: inquiries answered within 30 min, every ticket within 1 h,
 * complaints answered within 24 h and resolved within 48 h, repairs resolved within 48 h (business time).
 */
export async function createDefaultPolicies(ctx: Ctx): Promise<void> {
  const none = { types: [], priorities: [], channels: [], tiers: [] };
  const defaults: CreateSlaPolicy[] = [
    { name: '投诉 24h 响应 / 48h 解决 · Complaints', position: 10, active: true, conditions: { ...none, types: ['complaint'] }, firstResponseMinutes: 24 * 60, nextResponseMinutes: null, resolutionMinutes: 48 * 60, calendar: 'cn-standard', warnAtPercent: 80 },
    { name: '维修 48h 解决 · Repairs', position: 20, active: true, conditions: { ...none, types: ['repair'] }, firstResponseMinutes: 60, nextResponseMinutes: 4 * 60, resolutionMinutes: 48 * 60, calendar: 'cn-standard', warnAtPercent: 80 },
    { name: '咨询 30 分钟回复 · Inquiries', position: 30, active: true, conditions: { ...none, types: ['inquiry'] }, firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: null, calendar: 'cn-standard', warnAtPercent: 80 },
    { name: '默认 1 小时首次响应 · Default', position: 1000, active: true, conditions: none, firstResponseMinutes: 60, nextResponseMinutes: 4 * 60, resolutionMinutes: null, calendar: 'cn-standard', warnAtPercent: 80 },
  ];
  for (const p of defaults) await createPolicy(ctx, p);
}
