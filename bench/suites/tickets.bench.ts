import fs from 'node:fs';
import path from 'node:path';
import { sql, type SQLWrapper } from 'drizzle-orm';
import { openPostgres, rows } from '../../src/platform/db/db.ts';
import type { BenchContext } from '../lib/context.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import type { PgbenchResult } from '../lib/pgbench.ts';
import { startServer, type RunningServer } from '../lib/server.ts';
import { demoAdmin } from '../lib/session.ts';
import { repoRoot } from '../lib/spawn.ts';
import { formatTable } from '../lib/report.ts';
import { fmt } from '../lib/stats.ts';
import { TicketListQuery } from '../../src/modules/tickets/tickets.contract.ts';
import { ticketListStatement } from '../../src/modules/tickets/ticket-list.ts';
import { ticketDetailStatement } from '../../src/modules/tickets/ticket-read.ts';
import { analyze, explain, loadHistory, prepareTenants, tableSizes } from '../lib/ticket-load.ts';
import type { Benchmark, DbKind, Table } from '../lib/types.ts';
import { ensureTeamsHttp, loadHistoryHttp } from '../lib/ticket-load-http.ts';

/**
 * Issue 4's ticket benchmark: load N tickets (~4 messages each, 10 tenants) through the import engine, then
 * measure create, read, the agent queue and search over HTTP at concurrency 1 and 16, next to the issue's
 * targets and `pgbench -S` measured in the same run.
 */
const concurrencies = [1, 16];
const tenantsCount = 10;
const zhWord = '压缩';
const enWord = 'leaking';

interface Scenario {
  name: string;
  target: string;
  /** true / false when the row meets the target; undefined when the target is about the other concurrency */
  met(l: LoadResult, c: number): boolean | undefined;
}
const scenarios: Record<'create' | 'get' | 'queue' | 'searchZh' | 'searchEn', Scenario> = {
  create: { name: 'POST /api/v1/tickets', target: '≥ 1,500/s at c=16', met: (l, c) => (c === 16 ? l.rps >= 1500 : undefined) },
  get: { name: 'GET /api/v1/tickets/:id', target: '≥ 8,000/s', met: (l, c) => (c === 16 ? l.rps >= 8000 : undefined) },
  queue: { name: 'queue: open, team, sla_due, 50', target: 'p95 ≤ 20 ms', met: (l) => l.latencyMs.p95 <= 20 },
  searchZh: { name: `search "${zhWord}" (2 CJK chars)`, target: 'p95 ≤ 80 ms', met: (l) => l.latencyMs.p95 <= 80 },
  searchEn: { name: `search "${enWord}"`, target: 'p95 ≤ 80 ms', met: (l) => l.latencyMs.p95 <= 80 },
};

async function signInWithCsrf(baseUrl: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(demoAdmin) });
  const body = (await res.json()) as { csrfToken?: string };
  const sid = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('sid='));
  if (res.status !== 200 || !sid || !body.csrfToken) throw new Error(`sign-in failed: ${res.status}`);
  return { cookie: sid, csrf: body.csrfToken };
}

async function expectStatus(url: string, init: RequestInit, status: number): Promise<void> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
}

const mark = (v: boolean | undefined) => (v === undefined ? '–' : v ? 'yes' : 'NO');

interface DbRun {
  kind: DbKind;
  phases: string[][];
  rowsOut: { scenario: Scenario; c: number; load: LoadResult }[];
  plans: Record<string, string>;
  scope: string;
}

type PlanRow = { s: Scenario; path: string; method?: 'POST'; body?: string; headers: Record<string, string> };

/** The read requests measured (and explained on PostgreSQL). */
function readPaths(oneId: string, teamId: string) {
  return {
    get: `/api/v1/tickets/${oneId}`,
    queue: `/api/v1/tickets?teamId=${teamId}&status=open&sort=sla_due&limit=50`,
    searchZh: `/api/v1/tickets?q=${encodeURIComponent(zhWord)}`,
    searchEn: `/api/v1/tickets?q=${enWord}`,
  };
}

/** A list path's query as the route reads it (defaults included). */
const listQueryOf = (p: string) => TicketListQuery.parse(Object.fromEntries(new URL(p, 'http://127.0.0.1').searchParams));

/** The five request kinds at each concurrency, against a server holding the loaded history. */
async function measure(ctx: BenchContext, server: RunningServer, auth: { cookie: string; csrf: string }, oneId: string, teamId: string): Promise<DbRun['rowsOut']> {
  const o = ctx.options;
  const reads = readPaths(oneId, teamId);
  const createBody = JSON.stringify({ subject: '压缩机异响 compressor noise', type: 'repair', priority: 'p3', channel: 'api', customer: { email: 'bench.create@example.cn' } });
  const postHeaders = { cookie: auth.cookie, 'x-csrf-token': auth.csrf, 'content-type': 'application/json' };
  const plan: PlanRow[] = [
    { s: scenarios.create, path: '/api/v1/tickets', method: 'POST', body: createBody, headers: postHeaders },
    { s: scenarios.get, path: reads.get, headers: { cookie: auth.cookie } },
    { s: scenarios.queue, path: reads.queue, headers: { cookie: auth.cookie } },
    { s: scenarios.searchZh, path: reads.searchZh, headers: { cookie: auth.cookie } },
    { s: scenarios.searchEn, path: reads.searchEn, headers: { cookie: auth.cookie } },
  ];
  await expectStatus(`${server.url}/api/v1/tickets`, { method: 'POST', headers: postHeaders, body: createBody }, 201);
  for (const p of plan.slice(1)) await expectStatus(`${server.url}${p.path}`, { headers: p.headers }, 200);
  const out: DbRun['rowsOut'] = [];
  for (const p of plan) {
    for (const c of concurrencies) {
      ctx.log(`tickets (${server.kind}): ${p.s.name}, ${c} connection(s), ${o.warmupSec} s warm-up + ${o.durationSec} s…`);
      const load = await runLoad({ baseUrl: server.url, path: p.path, method: p.method, body: p.body, headers: p.headers, connections: c, durationSec: o.durationSec, warmupSec: o.warmupSec, serverPid: server.pid });
      out.push({ scenario: p.s, c, load });
    }
  }
  return out;
}

/** PostgreSQL: 10 tenants loaded by the import engine in this process, next to the server. */
async function runPostgres(ctx: BenchContext, n: number, notes: string[]): Promise<DbRun> {
  const perTenant = Math.ceil(n / tenantsCount);
  ctx.log('tickets: starting a server on a fresh PostgreSQL database…');
  // The inbound SMTP listener defaults to port 2525, which another engineer's server may hold.
  const server = await startServer(ctx, 'postgres', 'tickets', { SMTP_PORT: String(await ctx.freePort()) });
  const db = await openPostgres(server.dbEnv.DATABASE_URL, 3);
  const phases: string[][] = [];
  const plans: Record<string, string> = {};
  try {
    const t0 = performance.now();
    const list = await prepareTenants(db.db, tenantsCount);
    phases.push(['tenants, calendars, policies', fmt((performance.now() - t0) / 1000, 1), '–', String(list.length)]);
    ctx.log(`tickets: importing ${(perTenant * tenantsCount).toLocaleString('en-US')} tickets into ${list.length} tenants…`);
    const f = await loadHistory(db.db, list, perTenant, ctx.log);
    if (f.failed > 0) notes.push(`import: ${f.failed} lines failed; first: ${JSON.stringify(f.firstError)}`);
    phases.push(['import (engine, in-process)', fmt(f.seconds, 1), fmt(f.imported / f.seconds), fmt(f.imported)]);
    phases.push(['  of which generating NDJSON', fmt(f.generateSeconds, 1), '–', '–']);
    const vac = await analyze(db.db);
    phases.push(['vacuum analyze', fmt(vac, 1), '–', '–']);
    const sizes = await tableSizes(db.db);

    const demo = list.find((t) => t.slug === 'demo')!;
    const auth = await signInWithCsrf(server.url);
    const [one] = await rows<{ id: string }>(db.db, sql`select id from tickets where tenant_id = ${demo.id} order by created_at desc limit 1`);
    const [team] = await rows<{ id: string }>(db.db, sql`select id from teams where tenant_id = ${demo.id} and name = 'Queue A'`);
    const rowsOut = await measure(ctx, server, auth, one.id, team.id);
    // The plans behind the read rows: the statements the server runs (prepared there; here with the values written in).
    const reads = readPaths(one.id, team.id);
    // each explained twice, the second kept: the first pays this connection's catalogue look-ups, which the server's connections paid long ago
    const warm = async (st: SQLWrapper) => (await explain(db.db, st)) && explain(db.db, st);
    const listPlan = async (p: string) => warm(ticketListStatement(db.db, demo.id, null, listQueryOf(p))!);
    plans.queue = await listPlan(reads.queue);
    plans.searchZh = await listPlan(reads.searchZh);
    plans.searchEn = await listPlan(reads.searchEn);
    plans.get = await warm(ticketDetailStatement(db.db, demo.id, one.id));
    for (const s of sizes) notes.push(`${s.table}: ${fmt(s.rows)} rows, ${fmt(s.mb)} MB with indexes`);
    return { kind: 'postgres', phases, rowsOut, plans, scope: `demo tenant (${fmt(perTenant)} tickets of ${fmt(perTenant * tenantsCount)})` };
  } finally {
    await db.close();
    await server.stop();
  }
}

/** PGlite: only the server may open its data directory, so the history goes in through the import API. */
async function runPglite(ctx: BenchContext, n: number, notes: string[]): Promise<DbRun> {
  ctx.log('tickets: starting a server on a fresh PGlite data directory…');
  const server = await startServer(ctx, 'pglite', 'tickets', { SMTP_PORT: String(await ctx.freePort()) });
  const phases: string[][] = [];
  try {
    const auth = await signInWithCsrf(server.url);
    const teamsByName = await ensureTeamsHttp(server.url, auth);
    ctx.log(`tickets: importing ${n.toLocaleString('en-US')} tickets into the demo organisation over HTTP…`);
    const f = await loadHistoryHttp(server.url, auth, n, ctx.log);
    if (f.failed > 0) notes.push(`PGlite import: ${f.failed} lines failed; first: ${JSON.stringify(f.firstError)}`);
    phases.push(['import (POST /api/v1/import/tickets, 500-line files)', fmt(f.seconds, 1), fmt(f.imported / f.seconds), fmt(f.imported)]);
    phases.push(['  of which generating NDJSON', fmt(f.generateSeconds, 1), '–', '–']);
    const list = (await (await fetch(`${server.url}/api/v1/tickets?limit=1`, { headers: { cookie: auth.cookie } })).json()) as { items: { id: string }[] };
    const rowsOut = await measure(ctx, server, auth, list.items[0].id, teamsByName.get('Queue A')!);
    return { kind: 'pglite', phases, rowsOut, plans: {}, scope: `demo organisation (${fmt(n)} tickets, one tenant)` };
  } finally {
    await server.stop();
  }
}

/** The sizes: 1M tickets on PostgreSQL, 100k on PGlite (loaded over HTTP); --tickets sets both. */
function sizeFor(kind: DbKind, o: BenchContext['options']): number {
  return o.tickets ?? (kind === 'postgres' ? 1_000_000 : 100_000);
}

function tablesOf(r: DbRun, o: BenchContext['options'], ceilings: Map<number, PgbenchResult>): Table[] {
  const importRow = r.phases.find((p) => p[0].startsWith('import'));
  const importRate = importRow ? Number(importRow[2].replace(/,/g, '')) : NaN;
  const peakRss = Math.max(...r.rowsOut.map((x) => x.load.rssMb.peak ?? 0));
  const loadTable: Table = {
    title: r.kind === 'postgres' ? `tickets — data load on PostgreSQL (${tenantsCount} tenants, ~4 messages and ~6 events per ticket; import path = the import module's engine, not COPY)` : 'tickets — data load on PGlite (the import API, one tenant)',
    columns: ['phase', 'seconds', 'tickets/s', 'rows'],
    rows: r.phases,
  };
  const httpTable: Table = {
    title: `tickets — HTTP on ${r.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${o.durationSec} s per row after ${o.warmupSec} s warm-up, ${r.scope}`,
    columns: ['scenario', 'conc', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'RSS MB', 'CPU srv / pg / gen / other', 'ratio to pgbench -S', 'target', 'met'],
    rows: [
      ...[...ceilings.values()].map((p) => ['pgbench -S (ceiling)', String(p.clients), fmt(p.tps), '–', '–', '–', '0', '–', `– / ${fmt(p.cpu.postgres, 2)} / ${fmt(p.cpu.benchChildren, 2)} / ${fmt(p.cpu.other, 2)}`, '1.000', '', '']),
      ...r.rowsOut.map(({ scenario: s, c, load: l }) => [
        s.name, String(c), fmt(l.rps), fmt(l.latencyMs.p50, 2), fmt(l.latencyMs.p95, 2), fmt(l.latencyMs.p99, 2), fmt(l.non2xx + l.socketErrors), fmt(l.rssMb.peak),
        `${fmt(l.cpu.server, 2)} / ${fmt(l.cpu.postgres, 2)} / ${fmt(l.cpu.loadGenerator, 2)} / ${fmt(l.cpu.other, 2)}`,
        ceilings.get(c) ? fmt(l.rps / ceilings.get(c)!.tps, 3) : '–', s.target, mark(s.met(l, c)),
      ]),
      ['import (see load table)', '–', fmt(importRate), '–', '–', '–', '–', '–', '–', '–', '≥ 30,000 tickets/s', mark(Number.isNaN(importRate) ? undefined : importRate >= 30000)],
      ['server RSS, peak over all rows', '–', '–', '–', '–', '–', '–', fmt(peakRss), '–', '–', '≤ 300 MB', mark(peakRss <= 300)],
    ],
  };
  return [loadTable, httpTable];
}

const tickets: Benchmark = {
  name: 'tickets',
  description: 'import N tickets (~4 messages each; 10 tenants on PostgreSQL, the demo organisation over the import API on PGlite), then create / get / queue / search at c=1 and 16',
  estimateSeconds(ctx) {
    const o = ctx.options;
    const perDb = Object.keys(scenarios).length * concurrencies.length * (o.durationSec + o.warmupSec + 1);
    return (ctx.dbs.includes('postgres') ? sizeFor('postgres', o) / 1500 + 60 + perDb : 0) + (ctx.dbs.includes('pglite') ? sizeFor('pglite', o) / 500 + 30 + perDb : 0);
  },
  async run(ctx: BenchContext) {
    const o = ctx.options;
    const notes: string[] = [];
    const ceilings = new Map<number, PgbenchResult>();
    if (ctx.pgVersion) for (const c of concurrencies) ceilings.set(c, await ctx.pgbench.selectOnly(c, o.durationSec));
    const runs: DbRun[] = [];
    for (const kind of ctx.dbs) {
      const n = sizeFor(kind, o);
      const r = kind === 'postgres' ? await runPostgres(ctx, n, notes) : await runPglite(ctx, n, notes);
      runs.push(r);
      // printed as soon as a database is done: a failure or an interrupt later in the run keeps these figures
      for (const t of tablesOf(r, o, ceilings)) ctx.log(`\n${formatTable(t)}`);
    }

    const plans = Object.assign({}, ...runs.map((r) => r.plans)) as Record<string, string>;
    if (Object.keys(plans).length) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const planFile = path.join(repoRoot, 'artifacts', 'bench', `tickets-plans-${stamp}.txt`);
      fs.mkdirSync(path.dirname(planFile), { recursive: true });
      fs.writeFileSync(planFile, Object.entries(plans).map(([k, v]) => `── ${k}\n${v}\n`).join('\n'));
      for (const [k, v] of Object.entries(plans)) notes.push(`plan ${k}: ${/Execution Time: .*/.exec(v)?.[0] ?? '?'}`);
      notes.push(`EXPLAIN (ANALYZE, BUFFERS) of each read on PostgreSQL: ${path.relative(repoRoot, planFile)}`);
    }
    notes.push('errors = non-2xx + socket errors; RSS = peak VmRSS of the server process during the row; CPU in cores (server / all postgres / load generator / rest of the machine).');
    notes.push('ratio = HTTP req/s ÷ pgbench -S tps at the same concurrency (one primary-key select per transaction, no HTTP), for both databases.');
    return { tables: runs.flatMap((r) => tablesOf(r, o, ceilings)), notes, data: { runs: runs.map((r) => ({ kind: r.kind, phases: r.phases, rows: r.rowsOut })), ceilings: [...ceilings.values()], plans } };
  },
};

export default tickets;
