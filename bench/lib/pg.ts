import pg from 'pg';
import { onCleanup } from './cleanup.ts';

/**
 * Creates and drops the scratch databases of a run through a maintenance connection. Names always start
 * with `aftersales_bench_` and carry our pid, so we can never drop a database someone else is using.
 */
export class PgAdmin {
  private seq = 0;
  constructor(private readonly adminUrl: string) {}

  private async withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.adminUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** Server version string, or undefined when PostgreSQL does not answer (the run then skips it). */
  async version(): Promise<string | undefined> {
    try {
      return await this.withClient(async (c) => (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v);
    } catch {
      return undefined;
    }
  }

  urlFor(database: string): string {
    const u = new URL(this.adminUrl);
    u.pathname = `/${database}`;
    return u.toString();
  }

  /** Creates `aftersales_bench_<label>_<pid>_<n>`; dropped by the returned function or at exit. */
  async createDatabase(label: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
    const name = `aftersales_bench_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++this.seq}`;
    await this.withClient((c) => c.query(`create database "${name}"`));
    const unregister = onCleanup(`database ${name}`, () => this.dropDatabase(name));
    return {
      name,
      url: this.urlFor(name),
      drop: async () => {
        unregister();
        await this.dropDatabase(name);
      },
    };
  }

  async dropDatabase(name: string): Promise<void> {
    if (!name.startsWith('aftersales_bench_')) throw new Error(`refusing to drop ${name}: not a benchmark database`);
    // FORCE: a server we killed may still hold pooled connections for a moment after it exited.
    await this.withClient((c) => c.query(`drop database if exists "${name}" with (force)`));
  }
}
