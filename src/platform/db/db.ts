import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { sql, type ExtractTablesWithRelations, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { lockDataDir } from './lock.ts';

type NoSchema = Record<string, never>;
export type Db = PgDatabase<PgQueryResultHKT, NoSchema>;
export type Tx = PgTransaction<PgQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>;
/** Anything a query can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

/**
 * The repository's db/migrations, found by walking up from this file: it runs from src/platform/db under
 * tsx and from dist/server as the bundled production build.
 */
function findMigrations(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'db/migrations');
    if (fs.existsSync(path.join(candidate, 'meta/_journal.json'))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('db/migrations not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}
export const migrationsFolder = findMigrations();

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Run migrations (serialised across processes on PostgreSQL by an advisory lock). */
  migrate(): Promise<void>;
  /** true when the database answers and every migration in db/migrations is applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** Rows of a raw SQL query; both drivers return `{ rows }`. */
export async function rows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const res = (await q.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

function journalSize(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

async function appliedMigrations(db: Db): Promise<number> {
  try {
    const r = await rows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    return r[0]?.n ?? 0;
  } catch {
    return 0;
  }
}

/** Databases opened on a PostgreSQL pool: they run several sessions at once. */
const pooled = new WeakSet<Db>();

/**
 * Whether work can run on two connections at once. PGlite has one session: a statement outside an open
 * transaction waits for that transaction to end, so code that overlaps transactions must not on PGlite.
 */
export const servesConcurrentSessions = (db: Db): boolean => pooled.has(db);

export async function openPostgres(url: string, poolMax = 10): Promise<Database> {
  // JIT compilation pays off for long analytical queries; for this application's short queries PostgreSQL's
  // cost estimate at a million rows crossed jit_above_cost and compiling took 150–310 ms of a 60 ms search.
  // A URL that sets its own `options` keeps them.
  const options = /[?&]options=/.test(url) ? undefined : '-c jit=off';
  const pool = new pg.Pool({ connectionString: url, max: poolMax, ...(options ? { options } : {}) });
  // An idle connection closed by the server (restart, failover, idle timeout) must not kill the process:
  // the pool drops it and opens a new one on the next query.
  pool.on('error', (err) => console.error(`PostgreSQL connection lost (${err.message}); it will be replaced.`));
  const db = drizzlePg(pool) as unknown as Db;
  pooled.add(db);
  const expected = journalSize();
  return {
    kind: 'postgres',
    db,
    async migrate() {
      const client = await pool.connect();
      try {
        // Several API processes may start together: one migrates, the others wait and find nothing to do.
        await client.query('select pg_advisory_lock(727274001)');
        await migratePg(drizzlePg(client), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock(727274001)').catch(() => undefined);
        client.release();
      }
    },
    async ready() {
      return (await appliedMigrations(db)) >= expected;
    },
    async close() {
      await pool.end();
    },
  };
}

/** dataDir undefined → in-memory (tests). */
export async function openPglite(dataDir?: string): Promise<Database> {
  // loaded only here: a PostgreSQL process never needs the embedded database's code
  const [{ PGlite }, { btree_gin }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const release = dataDir ? lockDataDir(dataDir) : () => undefined;
  let client: PGlite;
  try {
    const extensions = { btree_gin };
    client = dataDir ? await PGlite.create(path.join(dataDir, 'pglite'), { extensions }) : await PGlite.create({ extensions });
  } catch (e) {
    release();
    throw e;
  }
  const db = drizzlePglite(client) as unknown as Db;
  const expected = journalSize();
  return {
    kind: 'pglite',
    db,
    async migrate() {
      await migratePglite(drizzlePglite(client), { migrationsFolder });
    },
    async ready() {
      return (await appliedMigrations(db)) >= expected;
    },
    async close() {
      await client.close();
      release();
    },
  };
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir?: string; poolMax?: number }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolMax) : openPglite(opts.dataDir);
}
