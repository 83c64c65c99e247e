import type { DbKind } from './types.ts';

export interface BenchOptions {
  /** Benchmarks to run; empty = all. */
  names: string[];
  /** Measured seconds per load scenario (and per pgbench run). */
  durationSec: number;
  /** Unmeasured seconds before each load scenario, so JIT and connection pools are warm. */
  warmupSec: number;
  dbs: DbKind[];
  /** Repetitions of each startup case. */
  repeats: number;
  /** First port tried for servers; ports in use are skipped. 3000 is left to people running the product. */
  portBase: number;
  /** Maintenance connection used to create and drop scratch databases. */
  pgAdminUrl: string;
  /** Tickets a data-loading benchmark creates (tickets suite); undefined = the suite's default per database. */
  tickets: number | undefined;
  /** Customers the customers suite imports (~3 order lines each); undefined = 1,000,000. */
  customers: number | undefined;
  help: boolean;
}

export const usage = `Usage: npm run bench -- [NAME ...] [--duration=SECONDS] [--warmup=SECONDS] [--db=postgres|pglite|both]
                      [--repeats=N] [--port=FIRST_PORT] [--pg-url=postgres://…/postgres] [--tickets=N] [--customers=N] [--list]
Every flag can also be set in the environment: BENCH_DURATION, BENCH_WARMUP, BENCH_DB, BENCH_REPEATS,
BENCH_PORT, BENCH_PG_URL, BENCH_TICKETS. Flags win over the environment.`;

/** A mistake on the command line: printed without a stack trace. */
export class UsageError extends Error {}

function num(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} must be a number ≥ ${min}, got "${raw}"`);
  return n;
}

function dbList(raw: string | undefined): DbKind[] {
  const v = (raw ?? 'both').toLowerCase();
  if (v === 'both' || v === '') return ['postgres', 'pglite'];
  if (v === 'postgres' || v === 'pg') return ['postgres'];
  if (v === 'pglite') return ['pglite'];
  throw new UsageError(`--db must be postgres, pglite or both, got "${raw}"`);
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions & { list: boolean } {
  const flags = new Map<string, string>();
  const names: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      flags.set(eq < 0 ? arg.slice(2) : arg.slice(2, eq), eq < 0 ? 'true' : arg.slice(eq + 1));
    } else names.push(arg);
  }
  const known = new Set(['duration', 'warmup', 'db', 'repeats', 'port', 'pg-url', 'tickets', 'customers', 'help', 'list']);
  for (const k of flags.keys()) if (!known.has(k)) throw new UsageError(`Unknown flag --${k}\n${usage}`);
  const pick = (flag: string, envName: string) => flags.get(flag) ?? env[envName];
  return {
    names,
    durationSec: num('duration', pick('duration', 'BENCH_DURATION'), 10, 1),
    warmupSec: num('warmup', pick('warmup', 'BENCH_WARMUP'), 2, 0),
    dbs: dbList(pick('db', 'BENCH_DB')),
    repeats: Math.round(num('repeats', pick('repeats', 'BENCH_REPEATS'), 3, 1)),
    portBase: Math.round(num('port', pick('port', 'BENCH_PORT'), 3201, 1024)),
    pgAdminUrl: pick('pg-url', 'BENCH_PG_URL') ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    tickets: pick('tickets', 'BENCH_TICKETS') ? Math.round(num('tickets', pick('tickets', 'BENCH_TICKETS'), 0, 10)) : undefined,
    customers: pick('customers', 'BENCH_CUSTOMERS') ? Math.round(num('customers', pick('customers', 'BENCH_CUSTOMERS'), 0, 10)) : undefined,
    help: flags.has('help'),
    list: flags.has('list'),
  };
}
