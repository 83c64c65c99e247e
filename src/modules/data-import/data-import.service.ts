import { and, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import { servesConcurrentSessions, type Db } from '../../platform/db/db.ts';
import { can } from '../../platform/auth/roles.contract.ts';
import { AppError, fieldError, forbidden, notFound } from '../../platform/http/errors.ts';
import { t } from '../../platform/i18n/i18n.ts';
import type { Locale } from '../../platform/i18n/i18n.contract.ts';
import { enqueue } from '../../platform/jobs/index.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { makeCtx, type Ctx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { customerAddresses, customerIdentities, customers, recomputeTiers } from '../customers/index.ts';
import { products } from '../catalog/index.ts';
import { orderItems, orders, refreshCustomerAggregates } from '../orders/index.ts';
import { sheetFields, type BlankCells, type ColumnMapping, type RunSheetImport, type SheetImport, type SheetImportStatus, type SheetKind, type SheetRowError, type SheetUpload } from './data-import.contract.ts';
import { sheetImportMappings, sheetImports } from './data-import.schema.ts';
import { columnLetter, openSheet, SheetFileError, type OpenedSheet, type SheetRow } from './sheet.read.ts';
import { mappingByHeader, suggestMapping } from './sheet.mapping.ts';
import type { ChunkOutcome, KindImporter, RowIssue, RunScope } from './rows.common.ts';
import { customersImporter } from './rows.customers.ts';
import { productsImporter } from './rows.products.ts';
import { ordersImporter } from './rows.orders.ts';

export const SHEET_IMPORT_JOB = 'import.sheet';
/** Rows per transaction: large enough that statement overhead vanishes, small enough to keep memory flat. */
export const SHEET_CHUNK_ROWS = Number(process.env.SHEET_IMPORT_CHUNK_ROWS) || 2000;
/** Files up to this many rows run inside the request; larger ones as a background job. */
export const SHEET_INLINE_MAX_ROWS = Number(process.env.SHEET_IMPORT_INLINE_MAX_ROWS) || 500;
const MAX_STORED_ERRORS = 5000;
/** Past this many customers, tiers are recomputed for the whole tenant (one audit row) rather than by id list (one audit row and event per change). */
const RECOMPUTE_ALL_ABOVE = 1000;
/** Customer ids an import holds for the final recompute (see executeSheet); more are refreshed on the way. */
const CUSTOMER_IDS_HELD = Number(process.env.SHEET_IMPORT_CUSTOMER_IDS_HELD) || 50_000;

type Row = typeof sheetImports.$inferSelect;

/**
 * The tables a kind writes. A bulk import grows them from nothing faster than autovacuum analyses them, and
 * with empty statistics the planner picks nested loops over sequential scans (minutes instead of
 * milliseconds for the aggregate refresh): they are analysed as they grow and once at the end.
 */
const writtenTables = { customers: [customers, customerIdentities, customerAddresses], products: [products], orders: [orders, orderItems] } as const;
const analyzeAfterChunk = new Set([1, 4, 16, 64, 256]);
async function analyzeTables(db: Db, kind: SheetKind): Promise<void> {
  await db.execute(sql`analyze ${sql.join([...writtenTables[kind]].map((t) => sql`${t}`), sql`, `)}`);
}
const extraPermission: Record<SheetKind, 'customers.import' | 'catalog.manage' | 'orders.write'> = { customers: 'customers.import', products: 'catalog.manage', orders: 'orders.write' };

function checkKind(ctx: Ctx, kind: SheetKind): void {
  if (!can(ctx.actor.roles, 'customers.import') || !can(ctx.actor.roles, extraPermission[kind])) throw forbidden();
}

function importerFor(kind: SheetKind, scope: RunScope): KindImporter {
  return kind === 'customers' ? customersImporter(scope) : kind === 'products' ? productsImporter(scope) : ordersImporter(scope);
}

const sheetError = (e: SheetFileError) => new AppError(422, `sheet_${e.code}`, e.params);

/** Localises a stored row error: the column shown as Excel names it, with its header. */
function localiseIssue(locale: Locale, headers: string[], e: RowIssue): SheetRowError {
  return {
    row: e.row,
    column: e.col === null ? null : `${columnLetter(e.col)} ${headers[e.col] ?? ''}`.trim(),
    field: e.field,
    code: e.code,
    message: t(locale, `sheetImport.row.${e.code}`, e.params ?? {}),
  };
}

export function toSheetImport(r: Row, locale: Locale): SheetImport {
  const failure = r.failure as { code: string; params?: Record<string, string | number> } | null;
  return {
    id: r.id,
    kind: r.kind as SheetKind,
    status: r.status as SheetImportStatus,
    dryRun: r.dryRun,
    fileName: r.fileName,
    format: r.format as 'csv' | 'xlsx',
    encoding: r.encoding,
    headers: r.headers as string[],
    mapping: r.mapping as ColumnMapping,
    blankCells: r.blankCells as BlankCells,
    total: r.total,
    processed: r.processed,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    failed: r.failed,
    progressPercent: r.total === 0 ? 100 : Math.min(100, Math.round((r.processed / r.total) * 1000) / 10),
    failure: failure ? t(locale, `errors.sheet_${failure.code}`, failure.params ?? {}) : null,
    errorsTruncated: r.errorsTruncated,
    createdByName: r.createdByName,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

async function load(db: Db, tenantId: string, id: string): Promise<Row | undefined> {
  const [row] = await db.select().from(sheetImports).where(and(eq(sheetImports.tenantId, tenantId), eq(sheetImports.id, id)));
  return row;
}

async function loadFor(ctx: Ctx, id: string): Promise<Row> {
  const row = await load(ctx.db, ctx.tenantId, id);
  if (!row) throw notFound();
  checkKind(ctx, row.kind as SheetKind);
  return row;
}

/** Stores an upload after reading all of it (a broken file is refused here, before anything is written). */
export async function uploadSheet(ctx: Ctx, data: Buffer, opts: { kind: SheetKind; fileName?: string }): Promise<SheetUpload> {
  checkKind(ctx, opts.kind);
  let sheet: OpenedSheet;
  try {
    sheet = await openSheet(data);
  } catch (e) {
    if (e instanceof SheetFileError) throw sheetError(e);
    throw e;
  }
  if (sheet.total === 0) throw new AppError(422, 'sheet_no_rows');
  const sample = sheet.sample.map((cells) =>
    sheet.headers.map((_, i) => {
      const c = cells[i] ?? '';
      return c instanceof Date ? c.toISOString().slice(0, 19).replace('T', ' ') : c;
    }),
  );
  const [saved] = await ctx.db.select().from(sheetImportMappings).where(and(eq(sheetImportMappings.tenantId, ctx.tenantId), eq(sheetImportMappings.kind, opts.kind)));
  const suggested = suggestMapping(opts.kind, sheet.headers, (saved?.mapping ?? {}) as Record<string, string>);
  const [row] = await ctx.db
    .insert(sheetImports)
    .values({
      tenantId: ctx.tenantId,
      kind: opts.kind,
      fileName: opts.fileName ?? null,
      format: sheet.format,
      encoding: sheet.encoding,
      source: data,
      headers: sheet.headers,
      mapping: suggested,
      total: sheet.total,
      createdBy: ctx.actor.userId,
      createdByName: ctx.actor.name,
    })
    .returning();
  return { import: toSheetImport(row, ctx.locale), sample, suggested };
}

/**
 * Starts a dry run or the real import of an upload with the confirmed mapping (saved for the next file of
 * this kind). Small files run in the request; others by the durable job the same transaction enqueues.
 */
export async function runSheet(ctx: Ctx, id: string, input: Omit<RunSheetImport, 'blankCells'> & Partial<Pick<RunSheetImport, 'blankCells'>>, opts: { background?: boolean } = {}): Promise<{ import: SheetImport; inline: boolean }> {
  const row = await loadFor(ctx, id);
  const kind = row.kind as SheetKind;
  if (!row.source || row.status === 'queued' || row.status === 'running') throw new AppError(409, 'sheet_not_runnable');
  const headers = row.headers as string[];
  const mapping: ColumnMapping = {};
  for (const [field, col] of Object.entries(input.mapping)) {
    if (col === null) continue;
    if (!sheetFields[kind].some((f) => f.field === field)) throw fieldError(`mapping.${field}`, 'sheet_unknown_field');
    if (col >= headers.length) throw fieldError(`mapping.${field}`, 'sheet_unknown_column');
    mapping[field] = col;
  }
  for (const f of sheetFields[kind]) if (f.required && mapping[f.field] === undefined) throw fieldError(`mapping.${f.field}`, 'sheet_field_required');
  if (kind === 'customers' && mapping.externalId === undefined && mapping.phone === undefined && mapping.email === undefined) throw fieldError('mapping.externalId', 'sheet_needs_key_column');
  if (kind === 'orders' && mapping.customerId === undefined && mapping.customerPhone === undefined) throw fieldError('mapping.customerId', 'sheet_needs_customer_column');
  const inline = !opts.background && row.total <= SHEET_INLINE_MAX_ROWS;
  await ctx.tx(async (tx) => {
    await tx
      .insert(sheetImportMappings)
      .values({ tenantId: ctx.tenantId, kind, mapping: mappingByHeader(mapping, headers) })
      .onConflictDoUpdate({ target: [sheetImportMappings.tenantId, sheetImportMappings.kind], set: { mapping: mappingByHeader(mapping, headers), updatedAt: new Date() } });
    await tx
      .update(sheetImports)
      .set({ status: 'queued', dryRun: input.dryRun, mapping, blankCells: input.blankCells ?? 'keep', processed: 0, inserted: 0, updated: 0, unchanged: 0, failed: 0, errors: [], errorsTruncated: false, failure: null, startedAt: null, finishedAt: null })
      .where(and(eq(sheetImports.tenantId, ctx.tenantId), eq(sheetImports.id, id)));
    if (!inline) await enqueue(tx, { tenantId: ctx.tenantId, name: SHEET_IMPORT_JOB, payload: { importId: id }, maxAttempts: 3 });
  });
  if (inline) await executeSheet(ctx.db, ctx.tenantId, id);
  return { import: toSheetImport((await load(ctx.db, ctx.tenantId, id))!, ctx.locale), inline };
}

class DryRunRollback extends Error {}

/**
 * Runs (or resumes) an import: one transaction per chunk, which also advances the job row, so a crash
 * resumes after the last committed chunk and re-written rows are equal (nothing changes twice). A dry run
 * executes the same statements and rolls each chunk back. At the end of a real run, purchase aggregates and
 * tiers are recomputed once, and one audit row and event describe the import.
 */
export async function executeSheet(db: Db, tenantId: string, id: string): Promise<void> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  const { source: _s, ...columns } = getTableColumns(sheetImports);
  const [job] = await db.select(columns).from(sheetImports).where(and(eq(sheetImports.tenantId, tenantId), eq(sheetImports.id, id)));
  if (!tenant || !job || (job.status !== 'queued' && job.status !== 'running')) return;
  const source = await readSource(db, tenantId, id);
  if (!source) return;
  const where = and(eq(sheetImports.tenantId, tenantId), eq(sheetImports.id, id));
  await db.update(sheetImports).set({ status: 'running', startedAt: job.startedAt ?? new Date() }).where(where);
  let sheet: OpenedSheet;
  try {
    // checked whole when it was uploaded
    sheet = await openSheet(source, { checked: true });
  } catch (e) {
    if (!(e instanceof SheetFileError)) throw e;
    await finish(db, tenant, id, 'failed', { code: e.code, params: e.params });
    return;
  }
  const kind = job.kind as SheetKind;
  // Two chunks in flight on PostgreSQL: one is written while Node sends the other's statements, so both
  // cores work. Each still commits after the one before (its transaction waits for it before the cursor
  // update), so a crash resumes after a prefix of the file, as with one chunk at a time.
  const depth = servesConcurrentSessions(db) ? 2 : 1;
  const importer = importerFor(kind, {
    tenantId,
    timeZone: tenant.timeZone,
    mapping: job.mapping as ColumnMapping,
    blankCells: job.blankCells as BlankCells,
    outside: depth > 1 && !job.dryRun ? db : undefined,
  });
  let stored = (job.errors as RowIssue[]).length;
  // Customers whose purchases or tiers are recomputed at the end. Bounded: past CUSTOMER_IDS_HELD the orders'
  // aggregates of those held so far are refreshed (after their chunks committed) and the set starts again, and
  // tiers are then recomputed for the whole tenant (as for any import of more than RECOMPUTE_ALL_ABOVE).
  const customerIds = new Set<string>();
  let manyCustomers = false;
  // On PostgreSQL a refresh runs beside the chunks that follow (one at a time): their customers' orders are
  // committed, and a chunk still in flight that adds to one of them puts it in the next set.
  let refreshing: Promise<void> = Promise.resolve();
  const collect = async (ids: string[]) => {
    for (const c of ids) customerIds.add(c);
    if (customerIds.size <= CUSTOMER_IDS_HELD) return;
    const held = [...customerIds];
    customerIds.clear();
    manyCustomers = true;
    if (kind !== 'orders') return;
    if (depth === 1) return refreshAggregates(db, tenantId, held, 1);
    await refreshing;
    refreshing = refreshAggregates(db, tenantId, held, 1);
    refreshing.catch(() => undefined);
  };
  let batch: SheetRow[] = [];
  // chunks being written, oldest first; the next one is read and checked (CPU in Node) meanwhile
  const inFlight: Promise<void>[] = [];
  let previous: Promise<void> = Promise.resolve();
  const flush = async () => {
    const rows = batch;
    batch = [];
    if (rows.length === 0) return;
    const processed = rows[rows.length - 1].index + 1;
    const prepared = importer.prepare(rows);
    while (inFlight.length >= depth) await inFlight.shift();
    // the tables are analysed as they grow: after the 1st, 4th, … chunk, when another one follows
    if (!job.dryRun && started++ > 0 && analyzeAfterChunk.has(++chunks)) await analyzeTables(db, kind);
    const writing = write(processed, prepared, previous);
    // a failed write must not go unobserved until it is awaited
    writing.catch(() => undefined);
    inFlight.push(writing);
    previous = writing;
  };
  const write = async (processed: number, prepared: unknown, before: Promise<void>) => {
    let outcome: ChunkOutcome | undefined;
    const counters = async (q: Db | Parameters<Parameters<Db['transaction']>[0]>[0]) => {
      const r = outcome!;
      const keep = r.errors.slice(0, Math.max(0, MAX_STORED_ERRORS - stored));
      stored += keep.length;
      await q
        .update(sheetImports)
        .set({
          processed,
          inserted: sql`${sheetImports.inserted} + ${r.inserted}`,
          updated: sql`${sheetImports.updated} + ${r.updated}`,
          unchanged: sql`${sheetImports.unchanged} + ${r.unchanged}`,
          failed: sql`${sheetImports.failed} + ${r.failed}`,
          ...(keep.length ? { errors: sql`${sheetImports.errors} || ${JSON.stringify(keep)}::jsonb` } : {}),
          ...(keep.length < r.errors.length ? { errorsTruncated: true } : {}),
        })
        .where(where);
    };
    if (job.dryRun) {
      await db
        .transaction(async (tx) => {
          outcome = await importer.write(tx, prepared);
          await before;
          throw new DryRunRollback();
        })
        .catch((e: unknown) => {
          if (!(e instanceof DryRunRollback)) throw e;
        });
      await counters(db);
    } else {
      await db.transaction(async (tx) => {
        // A crash may lose the last chunks' commits, never part of one: their rows and the cursor go together,
        // and the run resumes from the cursor that survived. The final status is written durably.
        // lock_timeout: two imports writing the same orders out of order could wait for each other across the
        // database and this process's commit order, which PostgreSQL cannot see as a deadlock; one chunk fails
        // instead and its job resumes.
        await tx.execute(sql`select set_config('synchronous_commit', 'off', true), set_config('lock_timeout', '120s', true)`);
        outcome = await importer.write(tx, prepared);
        // commits in file order; if the chunk before failed, this one rolls back too
        await before;
        await counters(tx);
      });
      await collect(outcome!.customerIds);
    }
  };
  let lastKey: string | null = null;
  let started = 0;
  let chunks = 0;
  try {
    for await (const r of sheet.rows(job.processed)) {
      const key = importer.groupKey ? importer.groupKey(r) : null;
      // a chunk ends at the size limit, but never between two rows of one group (the lines of one order)
      if (batch.length >= SHEET_CHUNK_ROWS && (key === null || key !== lastKey)) await flush();
      batch.push(r);
      lastKey = key;
    }
    await flush();
  } finally {
    // no transaction of this run may still be open when it returns or fails (a retry would overlap it)
    await Promise.allSettled(inFlight);
    await refreshing.catch(() => undefined);
  }
  await refreshing;
  for (const w of inFlight) await w;
  if (!job.dryRun && chunks > 0) await analyzeTables(db, kind);
  if (!job.dryRun && (customerIds.size || manyCustomers)) await recompute(db, tenant, kind, [...customerIds], manyCustomers, depth);
  await finish(db, tenant, id, job.dryRun ? 'validated' : 'completed');
}

/** The stored file, read in slices: one bytea value of 100 MB travels as 200 MB of hex text before it is a Buffer. */
async function readSource(db: Db, tenantId: string, id: string): Promise<Buffer | null> {
  const where = and(eq(sheetImports.tenantId, tenantId), eq(sheetImports.id, id));
  const [meta] = await db.select({ size: sql<number | null>`octet_length(${sheetImports.source})` }).from(sheetImports).where(where);
  if (!meta || meta.size === null) return null;
  const size = Number(meta.size);
  const out = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += SOURCE_SLICE_BYTES) {
    const [slice] = await db.select({ part: sql<Buffer | Uint8Array>`substring(${sheetImports.source} from ${at + 1} for ${SOURCE_SLICE_BYTES})` }).from(sheetImports).where(where);
    // bytea comes back as a Buffer from pg and as a plain Uint8Array from PGlite
    out.set(slice.part, at);
  }
  return out;
}
const SOURCE_SLICE_BYTES = Number(process.env.SHEET_IMPORT_SOURCE_SLICE_BYTES) || 4 << 20;

type TenantRow = typeof tenants.$inferSelect;
const systemCtxOf = (db: Db, tenant: TenantRow, actor: { userId: string | null; name: string }) =>
  makeCtx(db, { tenantId: tenant.id, actor: { userId: actor.userId, tokenId: null, name: actor.name, roles: [] }, locale: tenant.defaultLocale === 'en' ? 'en' : 'zh-CN', timeZone: tenant.timeZone, ip: null, requestId: null });

/** Purchase aggregates in slices, `lanes` at a time on their own connections (slices share no customer). */
async function refreshAggregates(db: Db, tenantId: string, ids: string[], lanes: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let i = next; i < ids.length; i = next) {
      next += 20_000;
      await refreshCustomerAggregates(db, tenantId, ids.slice(i, i + 20_000));
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

async function recompute(db: Db, tenant: TenantRow, kind: SheetKind, ids: string[], all: boolean, lanes: number): Promise<void> {
  if (kind === 'orders') await refreshAggregates(db, tenant.id, ids, lanes);
  const ctx = systemCtxOf(db, tenant, { userId: null, name: 'import' });
  await recomputeTiers(ctx, { customerIds: all || ids.length > RECOMPUTE_ALL_ABOVE ? undefined : ids, reason: 'import' });
}

export async function finish(db: Db, tenant: TenantRow, id: string, status: 'completed' | 'validated' | 'failed', failure?: { code: string; params?: Record<string, string | number> }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(sheetImports)
      .set({ status, finishedAt: new Date(), ...(status === 'completed' ? { source: null } : {}), ...(failure ? { failure } : {}) })
      .where(and(eq(sheetImports.tenantId, tenant.id), eq(sheetImports.id, id)))
      .returning();
    if (!row || status === 'validated') return;
    const ctx = systemCtxOf(db, tenant, { userId: row.createdBy, name: row.createdByName });
    const { headers: _h, mapping: _m, ...summary } = toSheetImport(row, ctx.locale);
    await recordChange(tx, ctx, { action: status === 'completed' ? 'imported' : 'import_failed', entityType: 'sheet_import', entityId: id, after: summary });
  });
}

export async function getSheetImport(ctx: Ctx, id: string): Promise<SheetImport> {
  return toSheetImport(await loadFor(ctx, id), ctx.locale);
}

export async function listSheetImports(ctx: Ctx, opts: { limit: number; kind?: SheetKind }): Promise<{ items: SheetImport[] }> {
  const rs = await ctx.db
    .select()
    .from(sheetImports)
    .where(and(eq(sheetImports.tenantId, ctx.tenantId), opts.kind ? eq(sheetImports.kind, opts.kind) : undefined))
    .orderBy(desc(sheetImports.createdAt))
    .limit(opts.limit);
  return { items: rs.filter((r) => can(ctx.actor.roles, extraPermission[r.kind as SheetKind])).map((r) => toSheetImport(r, ctx.locale)) };
}

/** The row errors in the reader's language (capped at MAX_STORED_ERRORS; `failed` counts all bad rows). */
export async function sheetErrors(ctx: Ctx, id: string): Promise<{ items: SheetRowError[]; total: number; truncated: boolean }> {
  const row = await loadFor(ctx, id);
  const items = (row.errors as RowIssue[]).map((e) => localiseIssue(ctx.locale, row.headers as string[], e));
  return { items, total: row.failed, truncated: row.errorsTruncated };
}
