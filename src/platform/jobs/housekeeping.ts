import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/db.ts';
import { registerJob } from './queue.ts';
import { upsertSchedule } from './schedules.ts';

/**
 * Nightly clean-up of rows that only matter for a while. Idempotency keys go after a day, so stored first
 * responses (which can hold a token secret shown once) do not outlive the retry window.
 */
export const HOUSEKEEPING_JOB = 'platform.housekeeping';
/** Platform-wide work is filed under the nil tenant: it belongs to no customer. */
export const SYSTEM_TENANT = '00000000-0000-0000-0000-000000000000';

export const retention = { idempotencyHours: 24, finishedJobsDays: 30, outboxDays: 30, deliveriesDays: 90, throttleDays: 1 };

export async function runHousekeeping(db: Db): Promise<Record<string, number>> {
  const r = retention;
  const count = async (name: string, q: ReturnType<typeof sql>) => [name, (await rows<{ n: number }>(db, sql`with d as (${q} returning 1) select count(*)::int as n from d`))[0].n] as const;
  return Object.fromEntries([
    await count('sessions', sql`delete from sessions where expires_at < now()`),
    await count('idempotencyKeys', sql`delete from idempotency_keys where created_at < now() - make_interval(hours => ${r.idempotencyHours})`),
    await count('loginThrottle', sql`delete from login_throttle where window_start < now() - make_interval(days => ${r.throttleDays}) and (locked_until is null or locked_until < now())`),
    await count('jobs', sql`delete from jobs where status = 'done' and finished_at < now() - make_interval(days => ${r.finishedJobsDays})`),
    await count('outbox', sql`delete from outbox_events where processed_at < now() - make_interval(days => ${r.outboxDays})`),
    await count('webhookDeliveries', sql`delete from webhook_deliveries where status = 'delivered' and delivered_at < now() - make_interval(days => ${r.deliveriesDays})`),
  ]);
}

registerJob(HOUSEKEEPING_JOB, (job) => runHousekeeping(job.db).then(() => undefined));

/** Called at start-up; re-upserting an unchanged schedule keeps its pending run. */
export function scheduleHousekeeping(db: Db): Promise<unknown> {
  return upsertSchedule(db, { tenantId: SYSTEM_TENANT, key: 'platform.housekeeping', cron: '17 3 * * *', timeZone: 'UTC', jobName: HOUSEKEEPING_JOB });
}
