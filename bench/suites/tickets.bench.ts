import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openPostgres, rows } from '../../src/platform/db/db.ts';
import type { BenchContext } from '../lib/context.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import type { PgbenchResult } from '../lib/pgbench.ts';
import { startServer } from '../lib/server.ts';
import { demoAdmin } from '../lib/session.ts';
import { repoRoot } from '../lib/spawn.ts';
import { fmt } from '../lib/stats.ts';
import { analyze, explain, loadHistory, prepareTenants, tableSizes } from '../lib/ticket-load.ts';
import type { Benchmark, Table } from '../lib/types.ts';

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

const tickets: Benchmark = {
  name: 'tickets',
  description: 'import N tickets (10 tenants, ~4 messages each), then create / get / queue / search at c=1 and 16 (PostgreSQL)',
  estimateSeconds(ctx) {
    const o = ctx.options;
    const n = o.tickets ?? 1_000_000;
    return (ctx.pgVersion ? n / 1500 + 60 : 0) + Object.keys(scenarios).length * concurrencies.length * (o.durationSec + o.warmupSec + 1);
  },
  async run(ctx: BenchContext) {
    const o = ctx.options;
    const notes: string[] = [];
    if (!ctx.dbs.includes('postgres')) throw new Error('the tickets benchmark needs PostgreSQL (the PGlite run is not implemented yet; see docs/benchmarks.md)');
    if (ctx.dbs.includes('pglite')) notes.push('PGlite: not run by this suite yet (the loader opens the database next to the server, which PGlite does not allow); see docs/benchmarks.md.');
    const n = o.tickets ?? 1_000_000;
    const perTenant = Math.ceil(n / tenantsCount);
    const ceilings = new Map<number, PgbenchResult>();
    for (const c of concurrencies) ceilings.set(c, await ctx.pgbench.selectOnly(c, o.durationSec));

    ctx.log('tickets: starting a server on a fresh PostgreSQL database…');
    // The inbound SMTP listener defaults to port 2525, which another engineer's server may hold.
    const server = await startServer(ctx, 'postgres', 'tickets', { SMTP_PORT: String(await ctx.freePort()) });
    const db = await openPostgres(server.dbEnv.DATABASE_URL, 3);
    const rowsOut: { scenario: Scenario; c: number; load: LoadResult }[] = [];
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
      const { cookie, csrf } = await signInWithCsrf(server.url);
      const [one] = await rows<{ id: string }>(db.db, sql`select id from tickets where tenant_id = ${demo.id} order by created_at desc limit 1`);
      const [team] = await rows<{ id: string }>(db.db, sql`select id from teams where tenant_id = ${demo.id} and name = 'Queue A'`);
      const queuePath = `/api/v1/tickets?teamId=${team.id}&status=open&sort=sla_due&limit=50`;
      const createBody = JSON.stringify({ subject: '压缩机异响 compressor noise', type: 'repair', priority: 'p3', channel: 'api', customer: { email: 'bench.create@example.cn' } });
      const postHeaders = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
      const plan: { s: Scenario; path: string; method?: 'POST'; body?: string; headers: Record<string, string> }[] = [
        { s: scenarios.create, path: '/api/v1/tickets', method: 'POST', body: createBody, headers: postHeaders },
        { s: scenarios.get, path: `/api/v1/tickets/${one.id}`, headers: { cookie } },
        { s: scenarios.queue, path: queuePath, headers: { cookie } },
        { s: scenarios.searchZh, path: `/api/v1/tickets?q=${encodeURIComponent(zhWord)}`, headers: { cookie } },
        { s: scenarios.searchEn, path: `/api/v1/tickets?q=${enWord}`, headers: { cookie } },
      ];
      await expectStatus(`${server.url}/api/v1/tickets`, { method: 'POST', headers: postHeaders, body: createBody }, 201);
      for (const p of plan.slice(1)) await expectStatus(`${server.url}${p.path}`, { headers: p.headers }, 200);
      for (const p of plan) {
        for (const c of concurrencies) {
          ctx.log(`tickets: ${p.s.name}, ${c} connection(s), ${o.warmupSec} s warm-up + ${o.durationSec} s…`);
          const load = await runLoad({ baseUrl: server.url, path: p.path, method: p.method, body: p.body, headers: p.headers, connections: c, durationSec: o.durationSec, warmupSec: o.warmupSec, serverPid: server.pid });
          rowsOut.push({ scenario: p.s, c, load });
        }
      }
      // The plans behind the read rows, as the services issue them (tickets.service listTickets).
      const q = (w: string) => sql`to_tsquery('simple', ${w})`;
      const en = sql`websearch_to_tsquery('english', ${enWord})`;
      const search = (tsq: ReturnType<typeof sql>, raw: string) => sql`select t.id, ts_rank(t.search_vector, ${tsq}) as rank from tickets t where t.tenant_id = ${demo.id}
        and (t.search_vector @@ ${tsq} or t.number = ${raw.toUpperCase()} or exists (select 1 from ticket_messages m where m.tenant_id = t.tenant_id and m.ticket_id = t.id and m.search_vector @@ ${tsq}))
        order by rank desc, t.created_at desc, t.id desc limit 51`;
      plans.queue = await explain(db.db, sql`select * from tickets where tenant_id = ${demo.id} and status in ('open') and team_id = ${team.id} order by coalesce(sla_due_at, 'infinity'::timestamptz), id limit 51`);
      plans.searchZh = await explain(db.db, search(q(zhWord), zhWord));
      plans.searchEn = await explain(db.db, search(en, enWord));
      plans.get = await explain(db.db, sql`select * from ticket_messages where tenant_id = ${demo.id} and ticket_id = ${one.id} order by created_at, id`);
      for (const s of sizes) notes.push(`${s.table}: ${fmt(s.rows)} rows, ${fmt(s.mb)} MB with indexes`);
    } finally {
      await db.close();
      await server.stop();
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const planFile = path.join(repoRoot, 'artifacts', 'bench', `tickets-plans-${stamp}.txt`);
    fs.mkdirSync(path.dirname(planFile), { recursive: true });
    fs.writeFileSync(planFile, Object.entries(plans).map(([k, v]) => `── ${k}\n${v}\n`).join('\n'));
    for (const [k, v] of Object.entries(plans)) notes.push(`plan ${k}: ${/Execution Time: .*/.exec(v)?.[0] ?? '?'}`);
    notes.push(`EXPLAIN (ANALYZE, BUFFERS) of each read: ${path.relative(repoRoot, planFile)}`);

    const peakRss = Math.max(...rowsOut.map((r) => r.load.rssMb.peak ?? 0));
    const loadTable: Table = { title: `tickets — data load (${tenantsCount} tenants, ~4 messages and ~6 events per ticket; import path = the import module's engine, not COPY)`, columns: ['phase', 'seconds', 'tickets/s', 'rows'], rows: phases };
    const httpTable: Table = {
      title: `tickets — HTTP on PostgreSQL, ${o.durationSec} s per row after ${o.warmupSec} s warm-up, demo tenant (${fmt(perTenant)} tickets of ${fmt(perTenant * tenantsCount)})`,
      columns: ['scenario', 'conc', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'RSS MB', 'CPU srv / pg / gen / other', 'ratio to pgbench -S', 'target', 'met'],
      rows: [
        ...[...ceilings.values()].map((p) => ['pgbench -S (ceiling)', String(p.clients), fmt(p.tps), '–', '–', '–', '0', '–', `– / ${fmt(p.cpu.postgres, 2)} / ${fmt(p.cpu.benchChildren, 2)} / ${fmt(p.cpu.other, 2)}`, '1.000', '', '']),
        ...rowsOut.map(({ scenario: s, c, load: l }) => [
          s.name, String(c), fmt(l.rps), fmt(l.latencyMs.p50, 2), fmt(l.latencyMs.p95, 2), fmt(l.latencyMs.p99, 2), fmt(l.non2xx + l.socketErrors), fmt(l.rssMb.peak),
          `${fmt(l.cpu.server, 2)} / ${fmt(l.cpu.postgres, 2)} / ${fmt(l.cpu.loadGenerator, 2)} / ${fmt(l.cpu.other, 2)}`,
          ceilings.get(c) ? fmt(l.rps / ceilings.get(c)!.tps, 3) : '–', s.target, mark(s.met(l, c)),
        ]),
        ['import (see load table)', '2', fmt(phases[1] ? Number(phases[1][2].replace(/,/g, '')) : NaN), '–', '–', '–', '–', '–', '–', '–', '≥ 30,000 tickets/s', mark(phases[1] ? Number(phases[1][2].replace(/,/g, '')) >= 30000 : undefined)],
        ['server RSS, peak over all rows', '–', '–', '–', '–', '–', '–', fmt(peakRss), '–', '–', '≤ 300 MB', mark(peakRss <= 300)],
      ],
    };
    notes.push('errors = non-2xx + socket errors; RSS = peak VmRSS of the server process during the row; CPU in cores (server / all postgres / load generator / rest of the machine).');
    notes.push('ratio = HTTP req/s ÷ pgbench -S tps at the same concurrency (one primary-key select per transaction, no HTTP).');
    return { tables: [loadTable, httpTable], notes, data: { phases, rows: rowsOut, ceilings: [...ceilings.values()], plans } };
  },
};

export default tickets;
