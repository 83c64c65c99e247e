import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import { startCpuMeter, type CpuShare } from './cpu.ts';
import type { PgAdmin } from './pg.ts';

const run = promisify(execFile);

export interface PgbenchResult {
  clients: number;
  threads: number;
  seconds: number;
  tps: number;
  latencyAvgMs: number | undefined;
  /** pgbench's own client CPU shows up under `other`. */
  cpu: CpuShare;
  loadAvg1: number;
}

/**
 * The PostgreSQL ceiling of this machine: `pgbench -S` (one indexed select per transaction) at the same
 * concurrency and duration as the HTTP load, measured in the same run so ratios compare like with like.
 * The scale-10 database (1 M accounts) is initialised once per run and dropped at the end.
 */
export class Pgbench {
  private db: Promise<{ name: string; url: string; drop: () => Promise<void> }> | undefined;
  private readonly cache = new Map<string, Promise<PgbenchResult>>();

  constructor(
    private readonly admin: PgAdmin,
    private readonly log: (msg: string) => void,
  ) {}

  private database() {
    this.db ??= (async () => {
      const db = await this.admin.createDatabase('pgbench');
      this.log(`pgbench: initialising ${db.name} (pgbench -i -s 10)…`);
      await run('pgbench', ['-i', '-s', '10', '-q', db.url], { timeout: 180_000 });
      return db;
    })();
    return this.db;
  }

  /** Select-only tps at `clients` connections; cached per (clients, seconds) within a run. */
  selectOnly(clients: number, seconds: number): Promise<PgbenchResult> {
    const key = `${clients}/${seconds}`;
    let result = this.cache.get(key);
    if (!result) {
      result = this.measure(clients, seconds);
      this.cache.set(key, result);
    }
    return result;
  }

  private async measure(clients: number, seconds: number): Promise<PgbenchResult> {
    const db = await this.database();
    const threads = Math.min(clients, 2); // the machine has 2 cores; more pgbench threads only add scheduling noise
    this.log(`pgbench -S -c ${clients} -j ${threads} -T ${seconds}…`);
    const meter = startCpuMeter(undefined);
    const { stdout } = await run('pgbench', ['-S', '-c', String(clients), '-j', String(threads), '-T', String(seconds), db.url], {
      timeout: (seconds + 60) * 1000,
    });
    const tps = /^tps = ([\d.]+)/m.exec(stdout);
    if (!tps) throw new Error(`could not parse pgbench output:\n${stdout}`);
    const latency = /^latency average = ([\d.]+) ms/m.exec(stdout);
    return {
      clients,
      threads,
      seconds,
      tps: Number(tps[1]),
      latencyAvgMs: latency ? Number(latency[1]) : undefined,
      cpu: meter(),
      loadAvg1: os.loadavg()[0],
    };
  }

  async dispose(): Promise<void> {
    if (!this.db) return;
    const db = await this.db.catch(() => undefined);
    this.db = undefined;
    await db?.drop();
  }
}
