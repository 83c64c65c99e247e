import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Durable jobs. Workers poll across tenants, so the poll index is the one index that does not lead with
 * tenant_id (it is partial and small: only runnable rows).
 */
export const jobs = pgTable(
  'jobs',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull().default({}),
    /** queued → running → done | queued (retry) | dead */
    status: text('status').notNull().default('queued'),
    runAt: timestamp('run_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lastError: text('last_error'),
    lockedBy: text('locked_by'),
    lockedAt: timestamp('locked_at', { withTimezone: true, precision: 3 }),
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('jobs_poll_idx').on(t.runAt).where(sql`status = 'queued'`),
    index('jobs_running_idx').on(t.lockedAt).where(sql`status = 'running'`),
    index('jobs_status_idx').on(t.tenantId, t.status, t.id),
    uniqueIndex('jobs_dedupe_uq').on(t.tenantId, t.dedupeKey),
  ],
);

/** Recurring schedules, evaluated in the schedule's (the tenant's) time zone. */
export const jobSchedules = pgTable(
  'job_schedules',
  {
    tenantId: uuid('tenant_id').notNull(),
    key: text('key').notNull(),
    cron: text('cron').notNull(),
    timeZone: text('time_zone').notNull(),
    jobName: text('job_name').notNull(),
    payload: jsonb('payload').notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    nextRunAt: timestamp('next_run_at', { withTimezone: true, precision: 3 }).notNull(),
    lastRunAt: timestamp('last_run_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index('job_schedules_due_idx').on(t.nextRunAt).where(sql`enabled`)],
);
