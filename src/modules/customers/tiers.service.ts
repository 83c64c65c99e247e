import { and, asc, desc, eq, isNull, notInArray, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { rows } from '../../platform/db/db.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { AppError, notFound, versionConflict, type FieldError } from '../../platform/http/errors.ts';
import { recordChange, emitEvent } from '../../platform/outbox/outbox.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { deleteSchedule, upsertSchedule } from '../../platform/jobs/index.ts';
import { configGenerationSql, GenerationCache, toGeneration } from '../../platform/tenancy/config-generation.ts';
import { customers, customerTierHistory, tierDefinitions } from './customers.schema.ts';
import { customerTierOverrides, tierSettings } from './tiers.schema.ts';
import { definitionProblems, direction, ranked } from './tiers.rfm.ts';
import { previewSql, recomputeSql, type RfmSettings } from './tiers.recompute.ts';
import {
  defaultTierDefinitions,
  PreviewTiers,
  SaveTierConfig,
  TierOverrideInput,
  type EngagementSource,
  type RecomputeResult,
  type RecomputeRun,
  type ServiceStandard,
  type TierConfig,
  type TierDefinitionParsed,
  type TierHistoryEntry,
  type TierPreview,
} from './tiers.contract.ts';
import type { Customer } from './customers.contract.ts';

export const TIERS_NIGHTLY_JOB = 'customers.tiers.nightly';
export const TIERS_RECOMPUTE_JOB = 'customers.tiers.recompute';
export const TIERS_SCHEDULE_KEY = 'customers.tiers.nightly';
/** 02:30 on the tenant's wall clock: after the day's orders, before the working day. */
export const TIERS_NIGHTLY_CRON = '30 2 * * *';

type DefRow = typeof tierDefinitions.$inferSelect;

function toDefinition(r: DefRow): TierDefinitionParsed {
  return {
    code: r.code, rank: r.rank, nameZh: r.nameZh, nameEn: r.nameEn, color: r.color,
    minMonetaryFen: r.minMonetaryFen, minFrequency: r.minFrequency, maxRecencyDays: r.maxRecencyDays, minEngagement: r.minEngagement,
    routingPriority: r.routingPriority, dedicatedAgent: r.dedicatedAgent, benefits: r.benefits as TierDefinitionParsed['benefits'], active: r.active,
  };
}

export interface LoadedConfig extends RfmSettings {
  version: number;
  nightly: boolean;
  definitions: TierDefinitionParsed[];
  lastRun: RecomputeRun | null;
  /** false while the tenant runs on the product's default tiers */
  saved: boolean;
}

/** The tenant's tier definitions and settings; the product defaults until the tenant saves its own. */
export async function loadTierConfig(q: Queryable, tenantId: string): Promise<LoadedConfig> {
  const [s] = await q.select().from(tierSettings).where(eq(tierSettings.tenantId, tenantId));
  const defs = await q.select().from(tierDefinitions).where(eq(tierDefinitions.tenantId, tenantId)).orderBy(desc(tierDefinitions.rank), asc(tierDefinitions.code));
  return {
    version: s?.version ?? 0,
    windowMonths: s?.windowMonths ?? 12,
    engagementSources: (s?.engagementSources ?? ['tickets']) as EngagementSource[],
    nightly: s?.nightly ?? true,
    lastRun: (s?.lastRun as RecomputeRun | null) ?? null,
    definitions: defs.length ? defs.map(toDefinition) : [...defaultTierDefinitions].sort((a, b) => b.rank - a.rank),
    saved: defs.length > 0,
  };
}

export async function getTierConfig(ctx: Ctx): Promise<TierConfig> {
  const cfg = await loadTierConfig(ctx.db, ctx.tenantId);
  const counts = await rows<{ tier: string; n: number }>(
    ctx.db,
    sql`select tier, count(*)::int as n from ${customers} where tenant_id = ${ctx.tenantId} and merged_into_id is null group by tier`,
  );
  const n = new Map(counts.map((c) => [c.tier, Number(c.n)]));
  return {
    version: cfg.version,
    windowMonths: cfg.windowMonths,
    engagementSources: [...cfg.engagementSources],
    nightly: cfg.nightly,
    lastRun: cfg.lastRun,
    definitions: cfg.definitions.map((d) => ({ ...d, customers: n.get(d.code) ?? 0 })),
  };
}

/** Every defined code (active or not): what SLA conditions and manual overrides may name. */
export async function tierCodes(q: Queryable, tenantId: string): Promise<string[]> {
  return (await loadTierConfig(q, tenantId)).definitions.map((d) => d.code);
}

function problemsOf(defs: readonly TierDefinitionParsed[]): FieldError[] {
  return definitionProblems(defs).map((p) => ({ path: `definitions.${p.index}.${p.field}`, code: `errors.${p.code}` }));
}

async function scheduleNightly(q: Queryable, tenantId: string, timeZone: string, enabled: boolean): Promise<void> {
  if (enabled) await upsertSchedule(q, { tenantId, key: TIERS_SCHEDULE_KEY, cron: TIERS_NIGHTLY_CRON, timeZone, jobName: TIERS_NIGHTLY_JOB });
  else await deleteSchedule(q, tenantId, TIERS_SCHEDULE_KEY);
}

/** Replaces the tenant's tier set and settings (the editor saves them together, guarded by one version). */
export async function saveTierConfig(ctx: Ctx, raw: SaveTierConfig): Promise<TierConfig> {
  const input = SaveTierConfig.parse(raw);
  const problems = problemsOf(input.definitions);
  if (problems.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: problems });
  await ctx.tx(async (tx) => {
    const [current] = await tx.select().from(tierSettings).where(eq(tierSettings.tenantId, ctx.tenantId)).for('update');
    if ((current?.version ?? 0) !== input.version) throw versionConflict('tiers', current?.version ?? 0);
    const before = await loadTierConfig(tx, ctx.tenantId);
    const codes = input.definitions.map((d) => d.code);
    // a tier still held by customers cannot vanish: deactivate it, recompute, then delete it
    const held = await rows<{ tier: string }>(
      tx,
      sql`select distinct tier from ${customers} where tenant_id = ${ctx.tenantId} and merged_into_id is null and tier not in (${sql.join(codes.map((c) => sql`${c}`), sql`, `)}) limit 5`,
    );
    const known = new Set(before.definitions.map((d) => d.code));
    const lost = held.map((h) => h.tier).filter((c) => known.has(c));
    if (lost.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: lost.map((code) => ({ path: 'definitions', code: 'errors.tier_in_use', params: { code } })) });
    await tx.delete(tierDefinitions).where(and(eq(tierDefinitions.tenantId, ctx.tenantId), notInArray(tierDefinitions.code, codes)));
    for (const d of input.definitions) {
      const values = { ...d, benefits: d.benefits };
      await tx
        .insert(tierDefinitions)
        .values({ tenantId: ctx.tenantId, ...values })
        .onConflictDoUpdate({ target: [tierDefinitions.tenantId, tierDefinitions.code], set: { ...values, version: sql`${tierDefinitions.version} + 1` } });
    }
    const settings = { windowMonths: input.windowMonths, engagementSources: input.engagementSources, nightly: input.nightly, updatedAt: new Date() };
    await tx
      .insert(tierSettings)
      .values({ tenantId: ctx.tenantId, ...settings })
      .onConflictDoUpdate({ target: tierSettings.tenantId, set: { ...settings, version: sql`${tierSettings.version} + 1` } });
    await scheduleNightly(tx, ctx.tenantId, ctx.timeZone, input.nightly);
    const after = { windowMonths: input.windowMonths, engagementSources: input.engagementSources, nightly: input.nightly, definitions: input.definitions };
    await recordChange(tx, ctx, { action: 'updated', entityType: 'customer_tiers', entityId: ctx.tenantId, before: { windowMonths: before.windowMonths, engagementSources: before.engagementSources, nightly: before.nightly, definitions: before.definitions }, after });
  });
  return getTierConfig(ctx);
}

/** The seed's and a new tenant's starting point: the default tiers, saved once (no-op when any exist). */
export async function createDefaultTiers(ctx: Ctx): Promise<void> {
  const cfg = await loadTierConfig(ctx.db, ctx.tenantId);
  if (cfg.saved) return;
  await saveTierConfig(ctx, { version: cfg.version, windowMonths: 12, engagementSources: ['tickets'], nightly: true, definitions: defaultTierDefinitions });
}

/**
 * Recomputes tiers by RFM, set-based: `customerIds` limits it to those customers (an order arrived, an
 * import finished); without it every customer of the tenant. History rows only for changes.
 */
export async function recomputeTiers(ctx: Ctx, opts: { customerIds?: string[]; reason: string }): Promise<RecomputeResult> {
  const started = Date.now();
  if (opts.customerIds && opts.customerIds.length === 0) return { considered: 0, changed: 0, up: 0, down: 0, durationMs: 0 };
  return ctx.tx(async (tx) => {
    const cfg = await loadTierConfig(tx, ctx.tenantId);
    const scope = { tenantId: ctx.tenantId, now: new Date(), timeZone: ctx.timeZone, customerIds: opts.customerIds ? [...new Set(opts.customerIds)] : undefined };
    const { result, changed } = await recomputeSql(tx, scope, cfg, cfg.definitions, { reason: opts.reason, actorId: ctx.actor.userId });
    const out = { ...result, durationMs: Date.now() - started };
    if (scope.customerIds) {
      for (const c of changed) {
        await recordChange(tx, ctx, { action: 'tier_changed', entityType: 'customer', entityId: c.id, before: { tier: c.old_tier }, after: { customerId: c.id, tier: c.new_tier, reason: opts.reason } });
      }
    } else {
      await recordChange(tx, ctx, { action: 'recomputed', entityType: 'customer_tiers', entityId: ctx.tenantId, after: { reason: opts.reason, ...out } });
    }
    return out;
  });
}

/** What a draft set of definitions would do to today's customers. Writes nothing. */
export async function previewTiers(ctx: Ctx, draftRaw: PreviewTiers): Promise<TierPreview> {
  const draft = PreviewTiers.parse(draftRaw);
  const problems = problemsOf(draft.definitions);
  if (problems.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: problems });
  const cfg = await loadTierConfig(ctx.db, ctx.tenantId);
  const r = await previewSql(ctx.db, { tenantId: ctx.tenantId, now: new Date(), timeZone: ctx.timeZone }, draft, draft.definitions, cfg.definitions);
  const byCode = new Map(r.tiers.map((x) => [x.code, x]));
  const names = new Map([...cfg.definitions, ...draft.definitions].map((d) => [d.code, d]));
  const codes = [...ranked(draft.definitions).map((d) => d.code), ...r.tiers.map((x) => x.code).filter((c) => !draft.definitions.some((d) => d.code === c && d.active))];
  return {
    ...r,
    tiers: [...new Set(codes)].map((code) => ({
      code,
      nameZh: names.get(code)?.nameZh ?? code,
      nameEn: names.get(code)?.nameEn ?? code,
      current: Number(byCode.get(code)?.current ?? 0),
      proposed: Number(byCode.get(code)?.proposed ?? 0),
    })),
  };
}

function standardOf(d: TierDefinitionParsed, dedicatedAgentId: string | null, overridden: boolean): ServiceStandard {
  // in the contract's key order, and benefits copied as { zh, en }: pages send this as it is (serialize.ts
  // plainResponse), while jsonb hands the stored objects back with their keys re-ordered, and the
  // definitions may be a cached value shared by every request
  return {
    tier: d.code, nameZh: d.nameZh, nameEn: d.nameEn, color: d.color, rank: d.rank, routingPriority: d.routingPriority,
    dedicatedAgentId: d.dedicatedAgent ? dedicatedAgentId : null, dedicatedAgent: d.dedicatedAgent, benefits: d.benefits.map((b) => ({ zh: b.zh, en: b.en })), overridden,
  };
}

/** The service standard of a tier code; null when the tenant does not define it. */
export async function tierOf(q: Queryable, tenantId: string, code: string): Promise<ServiceStandard | null> {
  const d = (await loadTierConfig(q, tenantId)).definitions.find((x) => x.code === code);
  return d ? standardOf(d, null, false) : null;
}

/**
 * The tier definitions behind service standards, per tenant, for one settings generation (writes to
 * tier_definitions and tier_settings move it on: migration 0022). They were two queries on every read of a
 * customer's standard (the 360 page, routing); now they are read again only after a change.
 */
const definitionsCache = new GenerationCache<TierDefinitionParsed[]>();

/** The tier facts of a customer the caller has already read in this tenant. */
export type CustomerTierFacts = Pick<Customer, 'tier' | 'dedicatedAgentId'>;

/**
 * What a customer is entitled to: the tier's names, routing priority, benefits, and the customer's
 * dedicated agent when the tier grants one. A code the tenant no longer defines falls back to its lowest
 * tier. null when the customer does not exist in this tenant. A caller that holds the customer passes it as
 * `known` and the customer is not read again.
 */
export async function serviceStandardFor(q: Queryable, tenantId: string, customerId: string, known?: CustomerTierFacts): Promise<ServiceStandard | null> {
  // one statement: the override, the settings generation and, unless known, the customer's tier
  const facts = sql`exists (select 1 from ${customerTierOverrides} o where o.tenant_id = ${tenantId} and o.customer_id = ${customerId}) as overridden,
    ${configGenerationSql(tenantId)} as generation`;
  type Row = { tier: string; dedicated_agent_id: string | null; overridden: boolean; generation: unknown };
  const [r]: (Row | undefined)[] = known
    ? (await rows<Omit<Row, 'tier' | 'dedicated_agent_id'>>(q, sql`select ${facts}`)).map((f) => ({ ...f, tier: known.tier, dedicated_agent_id: known.dedicatedAgentId }))
    : await rows<Row>(q, sql`select c.tier, c.dedicated_agent_id, ${facts} from ${customers} c where c.tenant_id = ${tenantId} and c.id = ${customerId}`);
  if (!r) return null;
  const defs = await definitionsCache.at(tenantId, toGeneration(r.generation), async () => (await loadTierConfig(q, tenantId)).definitions);
  return standardFrom(defs, r.tier, r.dedicated_agent_id, r.overridden);
}

/** serviceStandardFor on definitions and a customer row the caller already holds. */
export function standardFrom(defs: TierDefinitionParsed[], tier: string, dedicatedAgentId: string | null, overridden: boolean): ServiceStandard {
  const d = defs.find((x) => x.code === tier) ?? ranked(defs).at(-1) ?? defs[0];
  return standardOf(d, dedicatedAgentId, overridden);
}

const tierHistoryQuery = preparedPerDb((q) =>
  q
    .select()
    .from(customerTierHistory)
    .where(and(eq(customerTierHistory.tenantId, sql.placeholder('tenantId')), eq(customerTierHistory.customerId, sql.placeholder('customerId'))))
    .orderBy(desc(customerTierHistory.createdAt), desc(customerTierHistory.id))
    .limit(sql.placeholder('limit'))
    .prepare('customer_tier_history'),
);

/** `known`: the customer as the caller has already read it in this tenant (it is not read again). */
export async function tierHistoryOf(ctx: Ctx, customerId: string, limit = 100, known?: Pick<Customer, 'mergedIntoId'>): Promise<TierHistoryEntry[]> {
  // as assertCustomer: a merged customer's history lives on the survivor
  if (!known) await assertCustomer(ctx.db, ctx.tenantId, customerId);
  else if (known.mergedIntoId) throw notFound();
  const rs = await tierHistoryQuery(ctx.db).execute({ tenantId: ctx.tenantId, customerId, limit });
  return rs.map((r) => ({ id: r.id, fromTier: r.fromTier, toTier: r.toTier, reason: r.reason, details: (r.details ?? {}) as Record<string, unknown>, actorId: r.actorId, createdAt: r.createdAt.toISOString() }));
}

async function assertCustomer(q: Queryable, tenantId: string, id: string, lock = false) {
  const base = q.select({ id: customers.id, tier: customers.tier }).from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, id), isNull(customers.mergedIntoId)));
  const [c] = lock ? await base.for('update') : await base;
  if (!c) throw notFound();
  return c;
}

async function writeHistory(tx: Tx, ctx: Ctx, customerId: string, from: string, to: string, details: Record<string, unknown>) {
  await tx.insert(customerTierHistory).values({ tenantId: ctx.tenantId, customerId, fromTier: from, toTier: to, reason: 'manual', details, actorId: ctx.actor.userId });
}

/** A manager sets a customer's tier by hand; recomputes leave it alone until `until` passes or it is cleared. */
export async function setTierOverride(ctx: Ctx, customerId: string, raw: TierOverrideInput): Promise<ServiceStandard> {
  const input = TierOverrideInput.parse(raw);
  await ctx.tx(async (tx) => {
    const c = await assertCustomer(tx, ctx.tenantId, customerId, true);
    if (!(await tierCodes(tx, ctx.tenantId)).includes(input.tier)) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'tier', code: 'errors.unknown_tier', params: { code: input.tier } }] });
    // the last day counts in full, in the tenant's time zone
    const until = input.until ? DateTime.fromISO(input.until, { zone: ctx.timeZone }).endOf('day').toJSDate() : null;
    const row = { tier: input.tier, reason: input.reason, until, actorId: ctx.actor.userId, createdAt: new Date() };
    await tx.insert(customerTierOverrides).values({ tenantId: ctx.tenantId, customerId, ...row }).onConflictDoUpdate({ target: [customerTierOverrides.tenantId, customerTierOverrides.customerId], set: row });
    await tx.update(customers).set({ tier: input.tier, tierChangedAt: new Date() }).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, customerId)));
    await writeHistory(tx, ctx, customerId, c.tier, input.tier, { note: input.reason, until: input.until, override: true });
    await recordChange(tx, ctx, { action: 'tier_overridden', entityType: 'customer', entityId: customerId, before: { tier: c.tier }, after: { customerId, tier: input.tier, reason: input.reason, until: input.until } });
  });
  return (await serviceStandardFor(ctx.db, ctx.tenantId, customerId)) as ServiceStandard;
}

/** Ends a manual tier: the customer gets the RFM tier again at once. */
export async function clearTierOverride(ctx: Ctx, customerId: string, reason: string): Promise<ServiceStandard> {
  await ctx.tx(async (tx) => {
    const c = await assertCustomer(tx, ctx.tenantId, customerId, true);
    const gone = await tx.delete(customerTierOverrides).where(and(eq(customerTierOverrides.tenantId, ctx.tenantId), eq(customerTierOverrides.customerId, customerId))).returning();
    if (!gone.length) throw notFound();
    await writeAudit(tx, ctx, { action: 'tier_override_cleared', entityType: 'customer', entityId: customerId, before: { tier: c.tier }, after: { reason } });
    await emitEvent(tx, ctx, 'customer.tier_override_cleared', 'customer', customerId, { customerId, reason });
  });
  await recomputeTiers(ctx, { customerIds: [customerId], reason: 'override_cleared' });
  return (await serviceStandardFor(ctx.db, ctx.tenantId, customerId)) as ServiceStandard;
}

/** Whether the move between two codes is up or down under the tenant's current definitions. */
export async function moveDirection(q: Queryable, tenantId: string, from: string | null, to: string): Promise<'up' | 'down' | 'same'> {
  return direction((await loadTierConfig(q, tenantId)).definitions, from, to);
}

// ---- recompute runs started from the admin page (a job, so the request returns at once) ----

async function setRun(q: Queryable, tenantId: string, run: RecomputeRun): Promise<void> {
  await q.insert(tierSettings).values({ tenantId, lastRun: run }).onConflictDoUpdate({ target: tierSettings.tenantId, set: { lastRun: run } });
}

export async function recomputeRun(ctx: Ctx): Promise<RecomputeRun | null> {
  return (await loadTierConfig(ctx.db, ctx.tenantId)).lastRun;
}

/** Queues a whole-tenant recompute unless one is already queued or running (then returns that one). */
export async function requestRecompute(ctx: Ctx, enqueueJob: (tx: Tx, dedupeKey: string) => Promise<unknown>): Promise<RecomputeRun> {
  return ctx.tx(async (tx) => {
    const [s] = await tx.select().from(tierSettings).where(eq(tierSettings.tenantId, ctx.tenantId)).for('update');
    const last = (s?.lastRun as RecomputeRun | null) ?? null;
    const stale = last && Date.now() - Date.parse(last.requestedAt) > 3600_000;
    if (last && (last.state === 'queued' || last.state === 'running') && !stale) return last;
    const run: RecomputeRun = { state: 'queued', reason: 'recompute', requestedAt: new Date().toISOString(), startedAt: null, finishedAt: null, result: null, error: null };
    await setRun(tx, ctx.tenantId, run);
    await enqueueJob(tx, `tiers-recompute:${run.requestedAt}`);
    await writeAudit(tx, ctx, { action: 'recompute_requested', entityType: 'customer_tiers', entityId: ctx.tenantId, after: run });
    return run;
  });
}

/** The job's side of a run: records running → done/failed around recomputeTiers. */
export async function executeRun(ctx: Ctx, reason: string): Promise<RecomputeResult> {
  const cfg = await loadTierConfig(ctx.db, ctx.tenantId);
  const base: RecomputeRun = cfg.lastRun && cfg.lastRun.state === 'queued' ? cfg.lastRun : { state: 'queued', reason, requestedAt: new Date().toISOString(), startedAt: null, finishedAt: null, result: null, error: null };
  const startedAt = new Date().toISOString();
  await setRun(ctx.db, ctx.tenantId, { ...base, reason, state: 'running', startedAt });
  try {
    const result = await recomputeTiers(ctx, { reason });
    await setRun(ctx.db, ctx.tenantId, { ...base, reason, state: 'done', startedAt, finishedAt: new Date().toISOString(), result });
    return result;
  } catch (e) {
    await setRun(ctx.db, ctx.tenantId, { ...base, reason, state: 'failed', startedAt, finishedAt: new Date().toISOString(), error: (e as Error).message.slice(0, 500) });
    throw e;
  }
}

export { scheduleNightly };
