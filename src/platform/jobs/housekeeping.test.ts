import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../db/test-db.ts';
import { rows, type Database } from '../db/db.ts';
import { runHousekeeping, scheduleHousekeeping, SYSTEM_TENANT } from './housekeeping.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const tenant = '11111111-1111-4111-8111-111111111111';

describe('housekeeping', () => {
  it('removes expired sessions and old idempotency keys, keeps fresh ones', async () => {
    const db = database.db;
    await db.execute(sql`insert into sessions (tenant_id, id, user_id, csrf_token, expires_at) values
      (${tenant}, 'old', ${tenant}, 'x', now() - interval '1 hour'), (${tenant}, 'live', ${tenant}, 'x', now() + interval '1 hour')`);
    await db.execute(sql`insert into idempotency_keys (tenant_id, key, request_hash, created_at) values
      (${tenant}, 'old', 'h', now() - interval '25 hours'), (${tenant}, 'new', 'h', now())`);
    const removed = await runHousekeeping(db);
    expect(removed).toMatchObject({ sessions: 1, idempotencyKeys: 1 });
    expect(await rows(db, sql`select id from sessions`)).toEqual([{ id: 'live' }]);
    expect(await rows(db, sql`select key from idempotency_keys`)).toEqual([{ key: 'new' }]);
  });

  it('is scheduled once, however often the server starts', async () => {
    await scheduleHousekeeping(database.db);
    await scheduleHousekeeping(database.db);
    const r = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from job_schedules where tenant_id = ${SYSTEM_TENANT}`);
    expect(r[0].n).toBe(1);
  });
});
