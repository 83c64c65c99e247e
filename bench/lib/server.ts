import type { BenchContext } from './context.ts';
import { findProcess, memoryMb } from './proc.ts';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { repoRoot, serverEntry, spawnLogged, waitReady, type Spawned } from './spawn.ts';
import type { DbKind } from './types.ts';

/** A fresh, empty database for one server: a new PostgreSQL database or a new PGlite data directory. */
export interface DbTarget {
  kind: DbKind;
  /** DATABASE_URL or DATA_DIR, whichever selects this database. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createTarget(ctx: BenchContext, kind: DbKind, label: string): Promise<DbTarget> {
  if (kind === 'postgres') {
    const db = await ctx.pg.createDatabase(label);
    return { kind, env: { DATABASE_URL: db.url }, dispose: db.drop };
  }
  const tmp = ctx.tempDir(label);
  // DATABASE_URL must be empty, not inherited: a developer's shell may point it at PostgreSQL.
  return { kind, env: { DATA_DIR: tmp.dir, DATABASE_URL: '' }, dispose: async () => tmp.remove() };
}

/** One key per benchmark run: PostgreSQL servers refuse to start without one (it encrypts stored secrets). */
const secretsKey = randomBytes(32).toString('base64');

/** Environment common to every server we start: quiet logs (logging each request would dominate the profile); no SMTP listener, whose fixed port another server may hold. */
export function serverEnv(port: number, target: DbTarget, extra: Record<string, string> = {}): Record<string, string> {
  return { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO: 'true', RUN_WORKER: 'true', SMTP_ENABLED: 'false', SECRETS_KEY: secretsKey, ...target.env, ...extra };
}

export interface RunningServer {
  kind: DbKind;
  url: string;
  /** DATABASE_URL or DATA_DIR of the server's database (a loader may open a PostgreSQL one alongside the server). */
  dbEnv: Record<string, string>;
  /** pid of the node process that runs the server (what RSS is read from). */
  pid: number;
  readyMs: number;
  rssMb(): number | undefined;
  peakRssMb(): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real server on a fresh database for load tests: the bundle `npm start` runs (built first when
 * its sources changed), spawned as `node dist/server/main.mjs` rather than through npm so that the child pid
 * is the server itself.
 */
export async function startServer(ctx: BenchContext, kind: DbKind, label: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const target = await createTarget(ctx, kind, label);
  let proc: Spawned | undefined;
  try {
    const port = await ctx.freePort();
    const url = `http://127.0.0.1:${port}`;
    execFileSync(process.execPath, ['scripts/build-server-if-needed.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    proc = spawnLogged(`${label} server`, process.execPath, ['--enable-source-maps', serverEntry], serverEnv(port, target, extraEnv));
    const readyMs = await waitReady(proc, url);
    const pid = findProcess(proc.pid, serverEntry) ?? proc.pid; // proc.pid itself today; cheap to be sure
    const p = proc;
    return {
      kind,
      url,
      dbEnv: target.env,
      pid,
      readyMs,
      rssMb: () => memoryMb(pid, 'VmRSS'),
      peakRssMb: () => memoryMb(pid, 'VmHWM'),
      output: () => p.output(),
      stop: async () => {
        try {
          await p.stop();
        } finally {
          await target.dispose();
        }
      },
    };
  } catch (e) {
    await proc?.stop().catch(() => undefined);
    await target.dispose();
    throw e;
  }
}
