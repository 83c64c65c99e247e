import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onCleanup } from './cleanup.ts';
import type { BenchOptions } from './options.ts';
import { PgAdmin } from './pg.ts';
import { Pgbench } from './pgbench.ts';
import type { DbKind } from './types.ts';

/** What every benchmark gets: options, scratch resources that clean up after themselves, and the pgbench ceiling. */
export interface BenchContext {
  options: BenchOptions;
  /** The databases this run covers: the requested ones, minus PostgreSQL when it does not answer. */
  dbs: DbKind[];
  pgVersion: string | undefined;
  pg: PgAdmin;
  pgbench: Pgbench;
  log(msg: string): void;
  /** A free loopback port at or above options.portBase, never the same twice in a run. */
  freePort(): Promise<number>;
  /** A fresh empty directory under the OS temp dir, removed at the end of the run. */
  tempDir(label: string): { dir: string; remove: () => void };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function createContext(options: BenchOptions): Promise<BenchContext> {
  const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
  const pg = new PgAdmin(options.pgAdminUrl);
  const pgVersion = await pg.version();
  let dbs = options.dbs;
  if (!pgVersion) {
    log(`PostgreSQL does not answer at ${options.pgAdminUrl}: PostgreSQL rows and pgbench ratios are skipped.`);
    dbs = dbs.filter((d) => d !== 'postgres');
  }
  const pgbench = new Pgbench(pg, log);
  onCleanup('pgbench database', () => pgbench.dispose());
  let nextPort = options.portBase;
  return {
    options,
    dbs,
    pgVersion,
    pg,
    pgbench,
    log,
    async freePort() {
      for (let tries = 0; tries < 200; tries++) {
        const port = nextPort++;
        if (await portFree(port)) return port;
      }
      throw new Error(`no free port found from ${options.portBase}`);
    },
    tempDir(label) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aftersales-bench-${label}-`));
      const remove = () => fs.rmSync(dir, { recursive: true, force: true });
      const unregister = onCleanup(`temp dir ${dir}`, remove);
      return {
        dir,
        remove: () => {
          unregister();
          remove();
        },
      };
    },
  };
}
