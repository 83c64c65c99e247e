import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../db/test-db.ts';
import { openPostgres, rows, type Database } from '../db/db.ts';
import { createTenant, type TestTenant } from '../http/test-app.ts';
import { enqueueMany, registerJob } from './queue.ts';
import { enqueueDueSchedules, upsertSchedule } from './schedules.ts';
import { quietWorkerLog, startWorker } from './worker.ts';
import { count, waitFor } from './testing.ts';

/**
 * Several workers on separate pools (as separate processes would be) must never run a job twice.
 * Only PostgreSQL can show it: PGlite is one connection, where SKIP LOCKED has nothing to skip.
 */
const url = process.env.TEST_DATABASE_URL;

let first: Database;
let second: Database;
let tenant: TestTenant;

beforeAll(async () => {
  if (!url) return;
  first = await createTestDatabase();
  const [{ name }] = await rows<{ name: string }>(first.db, sql`select current_database() as name`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  second = await openPostgres(target.toString(), 5);
  tenant = await createTenant(first);
  await first.db.execute(sql`create table test_job_runs (job_id bigint not null, worker text not null)`);
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

describe.skipIf(!url)('two workers on PostgreSQL', () => {
  it('process 200 jobs, each exactly once', async () => {
    registerJob('test.count', async (job) => {
      await job.db.execute(sql`insert into test_job_runs (job_id, worker) values (${job.jobId}, ${job.workerId})`);
      await new Promise((r) => setTimeout(r, 2)); // long enough for both workers to get a share
    });
    await enqueueMany(
      first.db,
      Array.from({ length: 200 }, (_, i) => ({ tenantId: tenant.id, name: 'test.count', payload: { i } })),
    );
    const a = startWorker(first, { workerId: 'worker-a', concurrency: 4, pollMs: 10, log: quietWorkerLog });
    const b = startWorker(second, { workerId: 'worker-b', concurrency: 4, pollMs: 10, log: quietWorkerLog });
    try {
      await waitFor(
        async () => (await count(first.db, sql`select count(*) as n from jobs where name = 'test.count' and status = 'done'`)) === 200,
        '200 jobs done',
        { timeoutMs: 30_000 },
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await count(first.db, sql`select count(*) as n from test_job_runs`)).toBe(200);
    expect(await count(first.db, sql`select count(distinct job_id) as n from test_job_runs`)).toBe(200);
    const perWorker = await rows<{ worker: string; n: number }>(first.db, sql`select worker, count(*)::int as n from test_job_runs group by worker order by worker`);
    expect(perWorker.map((r) => r.worker)).toEqual(['worker-a', 'worker-b']);
    expect(await count(first.db, sql`select count(*) as n from jobs where name = 'test.count' and attempts <> 1`)).toBe(0);
  });

  it('enqueue a due schedule occurrence once when both workers look at the same moment', async () => {
    await upsertSchedule(first.db, { tenantId: tenant.id, key: 'race', cron: '*/5 * * * *', timeZone: 'Asia/Shanghai', jobName: 'test.race' });
    await first.db.execute(sql`update job_schedules set next_run_at = now() - interval '1 minute' where key = 'race'`);
    const results = await Promise.all([enqueueDueSchedules(first.db), enqueueDueSchedules(second.db), enqueueDueSchedules(first.db), enqueueDueSchedules(second.db)]);
    expect(results.reduce((s, n) => s + n, 0)).toBe(1);
    expect(await count(first.db, sql`select count(*) as n from jobs where name = 'test.race'`)).toBe(1);
  });
});
