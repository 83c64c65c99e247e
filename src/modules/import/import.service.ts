import { and, desc, eq, sql } from 'drizzle-orm';
import { DateTime, FixedOffsetZone } from 'luxon';
import type { Db, Tx } from '../../platform/db/db.ts';
import { makeCtx, type Ctx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { teams } from '../../platform/teams/teams.schema.ts';
import { calendarRules } from '../../platform/calendar/calendar.service.ts';
import type { CalendarRules } from '../../platform/calendar/business-time.ts';
import { notFound } from '../../platform/http/errors.ts';
import { t } from '../../platform/i18n/i18n.ts';
import type { Locale } from '../../platform/i18n/i18n.contract.ts';
import { enqueue } from '../../platform/jobs/index.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { selectPolicy } from '../sla/index.ts';
import { importJobs } from './import.schema.ts';
import type { ImportJob, ImportJobStatus } from './import.contract.ts';
import { countLines, ndjsonLines, parseLine, type StoredLineError } from './import.lines.ts';
import { replay, type SlaRules } from './import.replay.ts';
import { existingExternalIds, insertChunk, resolveCustomersBulk, type PreparedTicket } from './import.bulk.ts';

export const IMPORT_JOB = 'import.tickets';
/** Lines per transaction: big enough that per-statement costs vanish, small enough to keep memory flat. */
export const CHUNK_LINES = Number(process.env.IMPORT_CHUNK_LINES) || 1000;
/** Files up to this many lines are imported inside the request (the job record is kept all the same). */
export const INLINE_MAX_LINES = Number(process.env.IMPORT_INLINE_MAX_LINES) || 500;
const MAX_STORED_ERRORS = 100;

type JobRow = typeof importJobs.$inferSelect;

/** History from this date on may use a fixed-offset copy of a calendar (see withFixedOffset). */
const FIXED_FROM = Date.UTC(1992, 0, 1);
const FIXED_TO = Date.UTC(2060, 0, 1);

/**
 * The business-time walk asks luxon for the zone offset at every step, and for an IANA zone luxon computes
 * it through Intl each time: two thirds of the import's CPU in a profile (≈0.5–1 ms per ticket). A zone whose
 * offset never changed between 1992 and 2060 (Asia/Shanghai: no DST since 1991; sampled weekly, so any DST
 * period shows) gives the same local dates and times as a fixed offset, which luxon handles without Intl.
 * Results are identical; only history inside that window uses the copy.
 */
export function withFixedOffset(rules: CalendarRules): CalendarRules | null {
  const offsets = new Set<number>();
  for (let t = FIXED_FROM; t < FIXED_TO && offsets.size < 2; t += 7 * 86_400_000) offsets.add(DateTime.fromMillis(t, { zone: rules.timeZone }).offset);
  if (offsets.size !== 1) return null;
  return { ...rules, timeZone: FixedOffsetZone.instance([...offsets][0]).name };
}

export interface ChunkResult {
  imported: number;
  skipped: number;
  failed: number;
  errors: StoredLineError[];
}

export interface Importer {
  /** Imports some lines in the caller's transaction. */
  chunk(tx: Tx, lines: { no: number; text: string }[]): Promise<ChunkResult>;
}

/**
 * The import engine with its per-run caches (the tenant's users, teams, SLA policies and calendars are read
 * once per run, not once per ticket). Used by the background job and by the benchmark's loader.
 */
export async function createImporter(db: Db, tenant: { id: string; timeZone: string }): Promise<Importer> {
  const userRows = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.tenantId, tenant.id));
  const userByEmail = new Map(userRows.map((u) => [u.email.toLowerCase(), u.id]));
  const teamRows = await db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.tenantId, tenant.id));
  const teamByName = new Map(teamRows.map((r) => [r.name, r.id]));
  const policies = new Map<string, { exact: SlaRules; fixed: SlaRules | null } | null>();
  const calendars = new Map<string, { exact: CalendarRules; fixed: CalendarRules | null }>();
  const userIdOf = (email: string | undefined) => (email ? (userByEmail.get(email.toLowerCase()) ?? null) : null);

  async function slaFor(tx: Tx, subject: { type: string; priority: string; channel: string; tier: string }, createdAt: string): Promise<SlaRules | null> {
    const key = `${subject.type}|${subject.priority}|${subject.channel}|${subject.tier}`;
    if (!policies.has(key)) {
      const policy = await selectPolicy(tx, tenant.id, subject);
      let cal = policy ? calendars.get(policy.calendarId) : undefined;
      if (policy && !cal) {
        const exact = await calendarRules(tx, tenant.id, policy.calendarId);
        cal = { exact, fixed: withFixedOffset(exact) };
        calendars.set(policy.calendarId, cal);
      }
      policies.set(key, policy && cal ? { exact: { policy, rules: cal.exact }, fixed: cal.fixed ? { policy, rules: cal.fixed } : null } : null);
    }
    const p = policies.get(key);
    if (!p) return null;
    const at = Date.parse(createdAt);
    return p.fixed && at >= FIXED_FROM && at < FIXED_TO ? p.fixed : p.exact;
  }

  return {
    async chunk(tx, lines) {
      const result: ChunkResult = { imported: 0, skipped: 0, failed: 0, errors: [] };
      const fail = (e: StoredLineError) => {
        result.failed++;
        result.errors.push(e);
      };
      const valid = [];
      const seen = new Set<string>();
      for (const l of lines) {
        const parsed = parseLine(l.text, l.no);
        if (!parsed.ok) {
          fail(parsed.error);
          continue;
        }
        const line = parsed.line;
        const teamId = line.team ? teamByName.get(line.team) : null;
        const assigneeId = line.assignee ? userIdOf(line.assignee) : null;
        const refErrors = [
          ...(teamId === undefined ? [{ path: 'team', code: 'errors.not_found', params: {} }] : []),
          ...(assigneeId === null && line.assignee ? [{ path: 'assignee', code: 'errors.not_found', params: {} }] : []),
        ];
        if (refErrors.length) fail({ line: l.no, externalId: line.externalId, errors: refErrors });
        else if (seen.has(line.externalId)) result.skipped++; // repeated in the file: the first one counts
        else {
          seen.add(line.externalId);
          valid.push({ line, teamId: teamId ?? null, assigneeId });
        }
      }
      const existing = await existingExternalIds(tx, tenant.id, valid.map((v) => v.line.externalId));
      const fresh = valid.filter((v) => !existing.has(v.line.externalId));
      result.skipped += valid.length - fresh.length;
      const customers = await resolveCustomersBulk(tx, tenant.id, fresh.map((v) => v.line.customer));
      const now = new Date();
      const prepared: PreparedTicket[] = [];
      for (const [n, v] of fresh.entries()) {
        const customer = customers[n];
        const sla = await slaFor(tx, { type: v.line.type, priority: v.line.priority, channel: v.line.channel, tier: customer?.tier ?? 'regular' }, v.line.createdAt);
        prepared.push({ line: v.line, replayed: replay(v.line, sla, now), customer, sla, teamId: v.teamId, assigneeId: v.assigneeId, userIdOf });
      }
      const inserted = await insertChunk(tx, tenant.id, tenant.timeZone, prepared);
      result.imported += inserted;
      result.skipped += prepared.length - inserted;
      return result;
    },
  };
}

function localiseErrors(locale: Locale, errors: StoredLineError[]) {
  return errors.map((e) => ({ line: e.line, externalId: e.externalId, errors: e.errors.map((f) => ({ path: f.path, code: f.code, message: t(locale, f.code, f.params) })) }));
}

export function toImportJob(r: JobRow, locale: Locale): ImportJob {
  return {
    id: r.id,
    kind: 'tickets',
    status: r.status as ImportJobStatus,
    fileName: r.fileName,
    total: r.total,
    processed: r.processed,
    imported: r.imported,
    skipped: r.skipped,
    failed: r.failed,
    progressPercent: r.total === 0 ? 100 : Math.round((r.processed / r.total) * 1000) / 10,
    errors: localiseErrors(locale, r.errors as StoredLineError[]),
    errorsTruncated: r.errorsTruncated,
    createdByName: r.createdByName,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

async function loadJob(db: Db | Tx, tenantId: string, id: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(importJobs).where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)));
  return row;
}

export async function getImport(ctx: Ctx, id: string): Promise<ImportJob> {
  const row = await loadJob(ctx.db, ctx.tenantId, id);
  if (!row) throw notFound();
  return toImportJob(row, ctx.locale);
}

export async function listImports(ctx: Ctx, limit: number): Promise<{ items: ImportJob[] }> {
  const rs = await ctx.db.select().from(importJobs).where(eq(importJobs.tenantId, ctx.tenantId)).orderBy(desc(importJobs.createdAt)).limit(limit);
  return { items: rs.map((r) => toImportJob(r, ctx.locale)) };
}

/**
 * Stores the upload as an import job; small files are imported at once, others by the durable job
 * (which the same transaction enqueues, so an accepted upload is never lost).
 */
export async function startImport(ctx: Ctx, text: string, opts: { fileName?: string; background?: boolean } = {}): Promise<{ job: ImportJob; inline: boolean }> {
  const total = countLines(text);
  const inline = !opts.background && total <= INLINE_MAX_LINES;
  const row = await ctx.tx(async (tx) => {
    const [r] = await tx
      .insert(importJobs)
      .values({ tenantId: ctx.tenantId, fileName: opts.fileName ?? null, source: text, total, createdBy: ctx.actor.userId, createdByName: ctx.actor.name })
      .returning();
    if (!inline) await enqueue(tx, { tenantId: ctx.tenantId, name: IMPORT_JOB, payload: { importId: r.id }, maxAttempts: 3 });
    return r;
  });
  if (inline) {
    try {
      await runImport(ctx.db, ctx.tenantId, row.id);
    } catch (e) {
      // the record must not stay 'running' when the request that ran it failed
      const [tenant] = await ctx.db.select().from(tenants).where(eq(tenants.id, ctx.tenantId));
      if (tenant) await finishImport(ctx.db, tenant, row.id, 'failed');
      throw e;
    }
  }
  return { job: toImportJob((await loadJob(ctx.db, ctx.tenantId, row.id))!, ctx.locale), inline };
}

/**
 * Runs (or resumes) an import: one transaction per chunk, each also advancing the job's counters, so a
 * crash resumes after the last committed chunk. The last transaction writes the one audit row of the
 * import and the 'import.completed' event.
 */
export async function runImport(db: Db, tenantId: string, id: string): Promise<void> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  const job = await loadJob(db, tenantId, id);
  if (!tenant || !job || job.status === 'completed' || job.status === 'failed') return;
  await db.update(importJobs).set({ status: 'running', startedAt: job.startedAt ?? new Date() }).where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)));
  const importer = await createImporter(db, tenant);
  let stored = (job.errors as StoredLineError[]).length;
  let batch: { no: number; text: string }[] = [];
  const flush = async () => {
    const lines = batch;
    batch = [];
    await db.transaction(async (tx) => {
      const r = await importer.chunk(tx, lines);
      const keep = r.errors.slice(0, Math.max(0, MAX_STORED_ERRORS - stored));
      stored += keep.length;
      await tx
        .update(importJobs)
        .set({
          processed: sql`${importJobs.processed} + ${lines.length}`,
          imported: sql`${importJobs.imported} + ${r.imported}`,
          skipped: sql`${importJobs.skipped} + ${r.skipped}`,
          failed: sql`${importJobs.failed} + ${r.failed}`,
          ...(keep.length ? { errors: sql`${importJobs.errors} || ${JSON.stringify(keep)}::jsonb` } : {}),
          ...(keep.length < r.errors.length ? { errorsTruncated: true } : {}),
        })
        .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)));
    });
  };
  for (const l of ndjsonLines(job.source ?? '', job.processed)) {
    batch.push(l);
    if (batch.length >= CHUNK_LINES) await flush();
  }
  if (batch.length) await flush();
  await finishImport(db, tenant, id, 'completed');
}

export async function finishImport(db: Db, tenant: { id: string; timeZone: string; defaultLocale: string }, id: string, status: 'completed' | 'failed'): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(importJobs)
      .set({ status, finishedAt: new Date(), source: null })
      .where(and(eq(importJobs.tenantId, tenant.id), eq(importJobs.id, id)))
      .returning();
    if (!row) return;
    const ctx = makeCtx(db, {
      tenantId: tenant.id,
      actor: { userId: row.createdBy, tokenId: null, name: row.createdByName, roles: [] },
      locale: tenant.defaultLocale === 'en' ? 'en' : 'zh-CN',
      timeZone: tenant.timeZone,
      ip: null,
      requestId: null,
    });
    const { errors: _e, ...summary } = toImportJob(row, ctx.locale);
    await recordChange(tx, ctx, { action: status, entityType: 'import', entityId: id, after: summary });
  });
}
