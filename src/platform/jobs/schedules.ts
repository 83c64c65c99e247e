import { and, eq, sql } from 'drizzle-orm';
import { CronExpressionParser } from 'cron-parser';
import { rows, type Db, type Queryable } from '../db/db.ts';
import { jobSchedules } from './jobs.schema.ts';
import { enqueue } from './queue.ts';

export interface ScheduleInput {
  tenantId: string;
  /** Unique per tenant; re-upserting the same key changes the schedule instead of adding one. */
  key: string;
  /** 5 fields (minute precision) or 6 (with seconds), as cron-parser reads them. */
  cron: string;
  /** IANA zone the cron is read in: "0 9 * * *" means 09:00 on the tenant's wall clock, DST included. */
  timeZone: string;
  jobName: string;
  payload?: unknown;
  enabled?: boolean;
}

export class InvalidScheduleError extends Error {}

function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new InvalidScheduleError(`unknown time zone "${timeZone}"`);
  }
}

/** The first occurrence strictly after `after`, reading the cron in `timeZone`. */
export function nextOccurrence(cron: string, timeZone: string, after: Date): Date {
  assertTimeZone(timeZone);
  try {
    return CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone }).next().toDate();
  } catch (e) {
    throw new InvalidScheduleError(`invalid cron "${cron}": ${(e as Error).message}`);
  }
}

/**
 * Creates or changes a recurring schedule. When the cron and zone are unchanged the pending occurrence is
 * kept: modules upsert their schedules at every start, and recomputing from "now" would silently skip an
 * occurrence that fell due while the process was down.
 */
export async function upsertSchedule(q: Queryable, input: ScheduleInput): Promise<{ nextRunAt: Date }> {
  const nextRunAt = nextOccurrence(input.cron, input.timeZone, new Date());
  const [row] = await q
    .insert(jobSchedules)
    .values({
      tenantId: input.tenantId,
      key: input.key,
      cron: input.cron,
      timeZone: input.timeZone,
      jobName: input.jobName,
      payload: input.payload ?? {},
      enabled: input.enabled ?? true,
      nextRunAt,
    })
    .onConflictDoUpdate({
      target: [jobSchedules.tenantId, jobSchedules.key],
      set: {
        jobName: sql`excluded.job_name`,
        payload: sql`excluded.payload`,
        enabled: sql`excluded.enabled`,
        nextRunAt: sql`case when ${jobSchedules.cron} = excluded.cron and ${jobSchedules.timeZone} = excluded.time_zone
                            then ${jobSchedules.nextRunAt} else excluded.next_run_at end`,
        cron: sql`excluded.cron`,
        timeZone: sql`excluded.time_zone`,
      },
    })
    .returning({ nextRunAt: jobSchedules.nextRunAt });
  return row;
}

export async function deleteSchedule(q: Queryable, tenantId: string, key: string): Promise<void> {
  await q.delete(jobSchedules).where(and(eq(jobSchedules.tenantId, tenantId), eq(jobSchedules.key, key)));
}

interface DueRow {
  tenant_id: string;
  key: string;
  cron: string;
  time_zone: string;
  job_name: string;
  payload: unknown;
  next_run_at: Date | string;
  db_now: Date | string;
}

const retryBrokenAfterMs = 3600_000;

/**
 * Turns due schedule occurrences into jobs, exactly once: the schedule rows are locked (SKIP LOCKED, so
 * several workers split them), each occurrence is enqueued with a per-occurrence dedupe key, and
 * next_run_at is advanced in the same transaction. Misfire policy: after downtime the overdue occurrence
 * runs once and the schedule jumps to its next future occurrence (no backlog of missed runs).
 */
export async function enqueueDueSchedules(db: Db, opts: { limit?: number; onError?: (key: string, e: Error) => void } = {}): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await rows<DueRow>(
      tx,
      sql`select tenant_id, key, cron, time_zone, job_name, payload, next_run_at, now() as db_now
            from job_schedules
           where enabled and next_run_at <= now()
           order by next_run_at
           for update skip locked
           limit ${opts.limit ?? 50}`,
    );
    let enqueued = 0;
    for (const s of due) {
      const occurrence = new Date(s.next_run_at);
      const now = new Date(s.db_now);
      let next: Date;
      try {
        next = nextOccurrence(s.cron, s.time_zone, now > occurrence ? now : occurrence);
      } catch (e) {
        // A row that cannot be evaluated must not be retried every poll, nor block the others.
        opts.onError?.(s.key, e as Error);
        next = new Date(now.getTime() + retryBrokenAfterMs);
      }
      const id = await enqueue(tx, {
        tenantId: s.tenant_id,
        name: s.job_name,
        payload: s.payload,
        runAt: occurrence,
        dedupeKey: `schedule:${s.key}:${occurrence.toISOString()}`,
      });
      if (id !== null) enqueued++;
      await tx
        .update(jobSchedules)
        .set({ nextRunAt: next, lastRunAt: occurrence })
        .where(and(eq(jobSchedules.tenantId, s.tenant_id), eq(jobSchedules.key, s.key)));
    }
    return enqueued;
  });
}
