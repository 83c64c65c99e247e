import type { BenchContext } from '../lib/context.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import type { PgbenchResult } from '../lib/pgbench.ts';
import { startServer } from '../lib/server.ts';
import { expectOk, signIn } from '../lib/session.ts';
import { fmt } from '../lib/stats.ts';
import type { Benchmark, DbKind, Table } from '../lib/types.ts';

/**
 * The cost of the platform layer every API call pays: `/healthz` is Fastify + hooks with no database,
 * `/me` adds cookie parsing and the one-query session lookup. Later module benchmarks (tickets, …) are
 * read against these two rows: whatever they lose beyond `/me` is their own.
 */
const concurrencies = [1, 16];
const scenarios = [
  { name: 'GET /api/v1/me', path: '/api/v1/me', authenticated: true },
  { name: 'GET /healthz', path: '/healthz', authenticated: false },
];

interface Row {
  scenario: string;
  db: DbKind;
  connections: number;
  load: LoadResult;
  pgbenchTps: number | undefined;
}

function loadRow(r: Row): string[] {
  const l = r.load;
  return [
    r.scenario,
    r.db,
    String(r.connections),
    fmt(l.rps),
    fmt(l.latencyMs.p50, 2),
    fmt(l.latencyMs.p95, 2),
    fmt(l.latencyMs.p99, 2),
    fmt(l.non2xx + l.socketErrors),
    fmt(l.rssMb.peak),
    `${fmt(l.cpu.server, 2)} / ${fmt(l.cpu.postgres, 2)} / ${fmt(l.cpu.loadGenerator, 2)} / ${fmt(l.cpu.other, 2)}`,
    r.pgbenchTps ? fmt(l.rps / r.pgbenchTps, 3) : '–',
  ];
}

function pgbenchRow(p: PgbenchResult): string[] {
  const lat = p.latencyAvgMs === undefined ? '–' : `${fmt(p.latencyAvgMs, 2)} avg`;
  // CPU cell: pgbench's client takes the load generator's place.
  const cpu = `– / ${fmt(p.cpu.postgres, 2)} / ${fmt(p.cpu.benchChildren, 2)} / ${fmt(p.cpu.other, 2)}`;
  return ['pgbench -S (ceiling)', 'postgres', String(p.clients), fmt(p.tps), lat, '–', '–', '0', '–', cpu, '1.000'];
}

const platform: Benchmark = {
  name: 'platform',
  description: 'GET /api/v1/me (signed in) and GET /healthz at concurrency 1 and 16, PostgreSQL and PGlite',
  estimateSeconds(ctx) {
    const o = ctx.options;
    const perServer = 8 + scenarios.length * concurrencies.length * (o.durationSec + o.warmupSec + 1);
    return ctx.dbs.length * perServer + (ctx.pgVersion ? 10 + concurrencies.length * (o.durationSec + 1) : 0);
  },
  async run(ctx: BenchContext) {
    const o = ctx.options;
    const ceilings = new Map<number, PgbenchResult>();
    if (ctx.pgVersion) {
      // Before any server starts, so pgbench has both cores to itself.
      for (const c of concurrencies) ceilings.set(c, await ctx.pgbench.selectOnly(c, o.durationSec));
    }
    const rows: Row[] = [];
    const servers: { db: DbKind; readyMs: number; idleRssMb: number | undefined; finalPeakRssMb: number | undefined }[] = [];
    for (const db of ctx.dbs) {
      ctx.log(`platform: starting a server on a fresh ${db} database…`);
      const server = await startServer(ctx, db, 'platform');
      try {
        const cookie = await signIn(server.url);
        await expectOk(`${server.url}/api/v1/me`, { cookie });
        const idleRssMb = server.rssMb();
        for (const s of scenarios) {
          for (const c of concurrencies) {
            ctx.log(`platform: ${s.name} on ${db}, ${c} connection(s), ${o.warmupSec} s warm-up + ${o.durationSec} s…`);
            const load = await runLoad({
              baseUrl: server.url,
              path: s.path,
              headers: s.authenticated ? { cookie } : undefined,
              connections: c,
              durationSec: o.durationSec,
              warmupSec: o.warmupSec,
              serverPid: server.pid,
            });
            rows.push({ scenario: s.name, db, connections: c, load, pgbenchTps: ceilings.get(c)?.tps });
          }
        }
        servers.push({ db, readyMs: server.readyMs, idleRssMb, finalPeakRssMb: server.peakRssMb() });
      } finally {
        await server.stop();
      }
    }

    const table: Table = {
      title: `platform — ${o.durationSec} s per row after ${o.warmupSec} s warm-up; server and load generator are separate processes on 2 cores`,
      columns: ['scenario', 'db', 'conc', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'RSS MB', 'CPU srv / pg / gen / other', 'ratio to pgbench -S'],
      rows: [...[...ceilings.values()].map(pgbenchRow), ...rows.map(loadRow)],
    };
    const notes = [
      'errors = non-2xx responses + socket errors/timeouts; RSS = peak VmRSS of the server process sampled every 0.5 s during the row.',
      'CPU = cores used during the row by the server process / all postgres processes / the load generator (this process; the pgbench client on pgbench rows) / everything else on the machine; ' +
        'the machine has 2 cores and is shared, so rows with a large "other" share were measured under background load.',
      '1-connection rows are round-trip bound (each request wakes the server, and PostgreSQL, from idle), so they swing more between runs than 16-connection rows.',
      'ratio = HTTP req/s ÷ pgbench -S tps at the same concurrency and duration (pgbench -S: one primary-key select per transaction, no HTTP).',
      `Servers: node dist/server/main.mjs (the bundle npm start runs), LOG_LEVEL=warn, RUN_WORKER=true, DB_POOL_MAX=10 (defaults), fresh database seeded with the demo data.`,
      ...servers.map((s) => `${s.db} server: ready ${fmt(s.readyMs)} ms after spawn; RSS idle after sign-in ${fmt(s.idleRssMb)} MB, peak over the run ${fmt(s.finalPeakRssMb)} MB.`),
    ];
    return { tables: [table], notes, data: { ceilings: [...ceilings.values()], rows, servers } };
  },
};

export default platform;
