import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../db/test-db.ts';
import type { Database } from '../db/db.ts';
import { createTenant, type TestTenant } from '../http/test-app.ts';
import { defaultBackoffMs, enqueue, PermanentJobError, registerJob } from './queue.ts';
import { quietWorkerLog, startWorker, type Worker, type WorkerOptions } from './worker.ts';
import { count, jobById, waitFor } from './testing.ts';
import { jobs } from './jobs.schema.ts';

let database: Database;
let tenant: TestTenant;

beforeAll(async () => {
  database = await createTestDatabase();
  tenant = await createTenant(database);
});
afterAll(() => database.close());

/** Runs `fn` with a fast-polling worker that is always stopped afterwards. */
async function withWorker<T>(opts: WorkerOptions, fn: (w: Worker) => Promise<T>): Promise<T> {
  const worker = startWorker(database, { pollMs: 20, concurrency: 2, log: quietWorkerLog, ...opts });
  try {
    return await fn(worker);
  } finally {
    await worker.stop();
  }
}

const isStatus = (id: number, status: string) => async () => {
  const row = await jobById(database.db, id);
  return row.status === status ? row : undefined;
};

describe('defaultBackoffMs', () => {
  it('doubles per attempt, with half of each delay random (equal jitter), capped', () => {
    expect([1, 2, 3, 4].map((a) => defaultBackoffMs(a, () => 0))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect([1, 2, 3, 4].map((a) => defaultBackoffMs(a, () => 1))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(defaultBackoffMs(40, () => 1)).toBe(6 * 3600_000);
  });
});

describe('enqueue', () => {
  it('joins the caller transaction: a rolled-back change leaves no job', async () => {
    const name = 'test.tx';
    await expect(
      database.db.transaction(async (tx) => {
        await enqueue(tx, { tenantId: tenant.id, name });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await count(database.db, sql`select count(*) as n from jobs where name = ${name}`)).toBe(0);
    await database.db.transaction((tx) => enqueue(tx, { tenantId: tenant.id, name, runAt: new Date(Date.now() + 3600_000) }));
    expect(await count(database.db, sql`select count(*) as n from jobs where name = ${name}`)).toBe(1);
  });

  it('ignores a second job with the same dedupe key in the same tenant only', async () => {
    const other = await createTenant(database);
    const input = { name: 'test.dedupe', dedupeKey: 'k1', runAt: new Date(Date.now() + 3600_000) };
    expect(await enqueue(database.db, { ...input, tenantId: tenant.id })).toEqual(expect.any(Number));
    expect(await enqueue(database.db, { ...input, tenantId: tenant.id })).toBeNull();
    expect(await enqueue(database.db, { ...input, tenantId: other.id })).toEqual(expect.any(Number));
  });
});

describe('worker', () => {
  it('retries a failing job with backoff, then dead-letters it with the last error', async () => {
    const calls: number[] = [];
    const backoffs: number[] = [];
    registerJob('test.always-fails', async (job) => {
      calls.push(job.attempt);
      throw new Error(`boom ${job.attempt}`);
    });
    const id = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.always-fails', maxAttempts: 3 }))!;
    const dead = await withWorker({ backoffMs: (attempt) => (backoffs.push(attempt), 10) }, () => waitFor(isStatus(id, 'dead'), 'dead job'));
    expect(calls).toEqual([1, 2, 3]);
    expect(backoffs).toEqual([1, 2]); // no retry is scheduled after the last attempt
    expect(dead).toMatchObject({ attempts: 3, maxAttempts: 3, lastError: 'boom 3' });
    expect(dead.finishedAt).toBeInstanceOf(Date);
  });

  it('schedules each retry later than the failure, then succeeds', async () => {
    const seen: { attempt: number; runAt: Date }[] = [];
    registerJob('test.flaky', async (job) => {
      seen.push({ attempt: job.attempt, runAt: job.runAt });
      if (job.attempt < 3) throw new Error('not yet');
    });
    const id = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.flaky', payload: { n: 1 } }))!;
    const done = await withWorker({ backoffMs: () => 30 }, () => waitFor(isStatus(id, 'done'), 'done job'));
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    // every retry was due after the previous run (database clock), never before
    expect(seen[1].runAt.getTime()).toBeGreaterThan(seen[0].runAt.getTime());
    expect(seen[2].runAt.getTime()).toBeGreaterThan(seen[1].runAt.getTime());
    expect(done).toMatchObject({ attempts: 3, lastError: null });
  });

  it('dead-letters at once on PermanentJobError, and a job nobody handles after its attempts', async () => {
    registerJob('test.permanent', async () => {
      throw new PermanentJobError('payload is wrong');
    });
    const a = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.permanent', maxAttempts: 5 }))!;
    const b = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.nobody-handles-this', maxAttempts: 2 }))!;
    await withWorker({ backoffMs: () => 10 }, async () => {
      expect(await waitFor(isStatus(a, 'dead'), 'permanent failure')).toMatchObject({ attempts: 1, lastError: 'payload is wrong' });
      expect((await waitFor(isStatus(b, 'dead'), 'unhandled job')).lastError).toContain('no handler registered');
    });
  });

  it('does not run a job before its time, and runs it after a restart', async () => {
    const ran: number[] = [];
    registerJob('test.later', async (job) => void ran.push(job.jobId));
    registerJob('test.marker', async () => undefined);
    const later = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.later', runAt: new Date(Date.now() + 3600_000) }))!;
    const marker = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.marker' }))!;
    await withWorker({}, async () => {
      await waitFor(isStatus(marker, 'done'), 'marker job'); // the worker has polled past the future job
    });
    expect(ran).toEqual([]);
    expect(await jobById(database.db, later)).toMatchObject({ status: 'queued', attempts: 0 });

    // The hour passes while no worker runs (moving the job's time instead of the clock), then a new worker starts.
    await database.db.update(jobs).set({ runAt: sql`${jobs.runAt} - interval '1 hour'` }).where(sql`${jobs.id} = ${later}`);
    const done = await withWorker({}, () => waitFor(isStatus(later, 'done'), 'future job after restart'));
    expect(ran).toEqual([later]);
    expect(done.lockedAt!.getTime()).toBeGreaterThanOrEqual(done.runAt.getTime());
  });

  it('requeues jobs abandoned by a crashed worker, or dead-letters them when out of attempts', async () => {
    registerJob('test.orphan', async () => undefined);
    const orphan = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.orphan', maxAttempts: 3 }))!;
    const exhausted = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.orphan', maxAttempts: 1 }))!;
    // What a process killed mid-job leaves behind: 'running', locked long ago by a worker that is gone.
    await database.db
      .update(jobs)
      .set({ status: 'running', attempts: 1, lockedBy: 'crashed-worker', lockedAt: sql`now() - interval '1 hour'` })
      .where(sql`${jobs.id} in (${orphan}, ${exhausted})`);
    await withWorker({ lockTimeoutMs: 60_000 }, async () => {
      expect(await waitFor(isStatus(orphan, 'done'), 'requeued orphan')).toMatchObject({ attempts: 2 });
      expect((await waitFor(isStatus(exhausted, 'dead'), 'exhausted orphan')).lastError).toContain('crashed-worker');
    });
  });

  it('keeps the lock of a long job fresh, so it is not taken for abandoned', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    registerJob('test.long', async () => {
      runs++;
      await gate;
    });
    const id = (await enqueue(database.db, { tenantId: tenant.id, name: 'test.long' }))!;
    await withWorker({ lockTimeoutMs: 2000 }, async () => {
      const first = await waitFor(isStatus(id, 'running'), 'long job running');
      // Several lock timeouts later the job is still ours and its lock has been refreshed.
      await waitFor(async () => {
        const row = await jobById(database.db, id);
        return row.lockedAt!.getTime() > first.lockedAt!.getTime() + 2500 && row;
      }, 'heartbeat');
      expect(await jobById(database.db, id)).toMatchObject({ status: 'running', attempts: 1 });
      release();
      await waitFor(isStatus(id, 'done'), 'long job done');
    });
    expect(runs).toBe(1);
  });
});
