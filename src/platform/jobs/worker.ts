import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/db.ts';
import { dispatchOutbox } from '../outbox/dispatch.ts';
import { jobs } from './jobs.schema.ts';
import { dbNowPlusMs, defaultBackoffMs, jobHandler, PermanentJobError } from './queue.ts';
import { enqueueDueSchedules } from './schedules.ts';

/** The subset of pino's API the worker uses (Fastify's `app.log` fits). */
export interface WorkerLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerOptions {
  /** Jobs run at the same time by this worker. */
  concurrency?: number;
  /** Sleep between polls when there is nothing to do. */
  pollMs?: number;
  /** Must be unique among live workers: it guards every status change of a claimed job. */
  workerId?: string;
  /** A running job whose lock was not refreshed for this long is considered abandoned (crashed process). */
  lockTimeoutMs?: number;
  /** Overrides every job's retry delay (tests use it to avoid sleeping). */
  backoffMs?: (attempt: number, jobName: string) => number;
  /** Poll outbox_events and fan them out (default true). */
  outbox?: boolean;
  outboxBatch?: number;
  /** Turn due job_schedules into jobs (default true). */
  schedules?: boolean;
  /** How long stop() waits for running jobs before giving up on them (they are requeued by lock timeout). */
  stopTimeoutMs?: number;
  log?: WorkerLog;
}

export interface Worker {
  id: string;
  stop(): Promise<void>;
}

export const quietWorkerLog: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const consoleLog: WorkerLog = {
  info: () => undefined,
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

type ClaimedJob = typeof jobs.$inferSelect;

function errorText(e: unknown): string {
  const text = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  return text.slice(0, 2000);
}

/** Claims up to `n` due jobs; SKIP LOCKED lets several workers on PostgreSQL take disjoint sets. */
async function claim(db: Db, workerId: string, n: number): Promise<ClaimedJob[]> {
  return db
    .update(jobs)
    .set({ status: 'running', lockedBy: workerId, lockedAt: sql`now()`, attempts: sql`${jobs.attempts} + 1` })
    .where(
      sql`(${jobs.tenantId}, ${jobs.id}) in (
            select tenant_id, id from jobs
             where status = 'queued' and run_at <= now()
             order by run_at, id
             for update skip locked
             limit ${n})`,
    )
    .returning();
}

/** Jobs whose worker stopped refreshing their lock (it crashed or hung) go back to the queue, or die if out of attempts. */
async function requeueAbandoned(db: Db, lockTimeoutMs: number): Promise<number> {
  const out = sql`${jobs.attempts} >= ${jobs.maxAttempts}`;
  const r = await db
    .update(jobs)
    .set({
      status: sql`case when ${out} then 'dead' else 'queued' end`,
      finishedAt: sql`case when ${out} then now() else null end`,
      lastError: sql`'abandoned by worker ' || coalesce(${jobs.lockedBy}, '?') || ' (lock expired)'`,
      runAt: sql`now()`,
    })
    .where(and(eq(jobs.status, 'running'), sql`${jobs.lockedAt} < now() - (${lockTimeoutMs}::double precision * interval '1 millisecond')`))
    .returning({ id: jobs.id });
  return r.length;
}

/**
 * Starts the poll loop. On PGlite this is the single worker of the single process; on PostgreSQL any
 * number of processes may run one. Every tick: requeue abandoned jobs and refresh our locks (now and
 * then), enqueue due schedule occurrences, fan out pending outbox events, claim and start due jobs.
 */
export function startWorker(database: Database, opts: WorkerOptions = {}): Worker {
  const db = database.db;
  const workerId = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const pollMs = opts.pollMs ?? 1000;
  const lockTimeoutMs = opts.lockTimeoutMs ?? 5 * 60_000;
  const maintenanceEveryMs = Math.min(lockTimeoutMs / 4, 30_000);
  const outboxBatch = opts.outboxBatch ?? 100;
  const log = opts.log ?? consoleLog;
  const running = new Set<Promise<void>>();
  let stopped = false;
  let lastMaintenance = 0;
  let wake: (() => void) | null = null;
  /** A job finished since the last tick started: a slot is free, poll again without sleeping. */
  let kicked = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });

  async function finish(job: ClaimedJob, error: unknown): Promise<void> {
    const mine = and(eq(jobs.tenantId, job.tenantId), eq(jobs.id, job.id), eq(jobs.lockedBy, workerId), eq(jobs.status, 'running'));
    if (error === undefined) {
      await db.update(jobs).set({ status: 'done', finishedAt: sql`now()`, lastError: null }).where(mine);
      return;
    }
    const dead = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
    const lastError = errorText(error);
    if (dead) {
      log.error({ jobId: job.id, job: job.name, tenantId: job.tenantId, attempts: job.attempts, err: lastError }, 'job dead-lettered');
      await db.update(jobs).set({ status: 'dead', finishedAt: sql`now()`, lastError }).where(mine);
      return;
    }
    const delay = opts.backoffMs?.(job.attempts, job.name) ?? jobHandler(job.name)?.options.backoffMs?.(job.attempts) ?? defaultBackoffMs(job.attempts);
    log.warn({ jobId: job.id, job: job.name, tenantId: job.tenantId, attempt: job.attempts, retryInMs: delay, err: lastError }, 'job failed, will retry');
    await db.update(jobs).set({ status: 'queued', runAt: dbNowPlusMs(delay), lastError }).where(mine);
  }

  async function run(job: ClaimedJob): Promise<void> {
    let error: unknown;
    try {
      const registered = jobHandler(job.name);
      if (!registered) throw new Error(`no handler registered for job "${job.name}"`);
      await registered.handler({
        db,
        tenantId: job.tenantId,
        jobId: job.id,
        name: job.name,
        payload: job.payload,
        attempt: job.attempts,
        maxAttempts: job.maxAttempts,
        runAt: job.runAt,
        workerId,
      });
    } catch (e) {
      error = e ?? new Error('job failed');
    }
    try {
      await finish(job, error);
    } catch (e) {
      // The row stays 'running' and is requeued when its lock expires: at-least-once, never lost.
      log.error({ jobId: job.id, err: errorText(e) }, 'could not record job result');
    }
  }

  function start(job: ClaimedJob) {
    const p: Promise<void> = run(job).finally(() => {
      running.delete(p);
      kicked = true;
      wake?.();
    });
    running.add(p);
  }

  async function maintenance() {
    if (Date.now() - lastMaintenance < maintenanceEveryMs) return;
    lastMaintenance = Date.now();
    // Heartbeat: long jobs keep their lock; only a dead process's jobs expire.
    if (running.size > 0) await db.update(jobs).set({ lockedAt: sql`now()` }).where(and(eq(jobs.status, 'running'), eq(jobs.lockedBy, workerId)));
    const requeued = await requeueAbandoned(db, lockTimeoutMs);
    if (requeued > 0) log.warn({ requeued }, 'requeued jobs abandoned by a stopped worker');
  }

  /** One round of work; true when there is probably more to do right away. */
  async function tick(): Promise<boolean> {
    let more = false;
    await maintenance();
    if (opts.schedules !== false) {
      await enqueueDueSchedules(db, { onError: (key, e) => log.error({ schedule: key, err: e.message }, 'schedule cannot be evaluated') });
    }
    if (opts.outbox !== false) {
      const dispatched = await dispatchOutbox(db, { limit: outboxBatch });
      if (dispatched >= outboxBatch) more = true;
    }
    const free = concurrency - running.size;
    if (free > 0 && !stopped) {
      const claimed = await claim(db, workerId, free);
      for (const job of claimed) start(job);
    }
    return more;
  }

  const loop = (async () => {
    while (!stopped) {
      let more = false;
      kicked = false;
      try {
        more = await tick();
      } catch (e) {
        log.error({ workerId, err: errorText(e) }, 'worker poll failed');
      }
      if (!stopped && !more && !kicked) await sleep(pollMs);
    }
  })();

  log.info({ workerId, concurrency, pollMs }, 'worker started');
  return {
    id: workerId,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      if (running.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.stopTimeoutMs ?? 15_000)));
        await Promise.race([Promise.allSettled([...running]), timeout]);
        clearTimeout(timer);
      }
      log.info({ workerId }, 'worker stopped');
    },
  };
}
