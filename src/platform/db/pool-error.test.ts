import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from './test-db.ts';
import { rows } from './db.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL connection loss', () => {
  it('survives the server closing an idle pooled connection', async () => {
    const database = await createTestDatabase();
    try {
      // open two pooled connections, then let one terminate the other while it sits idle
      await Promise.all([rows(database.db, sql`select pg_sleep(0.2)`), rows(database.db, sql`select pg_sleep(0.2)`)]);
      const killed = await rows<{ ok: boolean }>(
        database.db,
        sql`select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      expect(killed.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      const [{ one }] = await rows<{ one: number }>(database.db, sql`select 1 as one`);
      expect(one).toBe(1);
    } finally {
      await database.close();
    }
  });
});
