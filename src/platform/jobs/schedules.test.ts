import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase } from '../db/test-db.ts';
import type { Database } from '../db/db.ts';
import { createTenant, type TestTenant } from '../http/test-app.ts';
import { registerJob } from './queue.ts';
import { enqueueDueSchedules, InvalidScheduleError, nextOccurrence, upsertSchedule } from './schedules.ts';
import { quietWorkerLog, startWorker } from './worker.ts';
import { jobSchedules, jobs } from './jobs.schema.ts';
import { waitFor } from './testing.ts';

let database: Database;
let shanghai: TestTenant;
let newYork: TestTenant;

beforeAll(async () => {
  database = await createTestDatabase();
  shanghai = await createTenant(database, { timeZone: 'Asia/Shanghai' });
  newYork = await createTenant(database, { timeZone: 'America/New_York' });
});
afterAll(() => database.close());

const utc = (s: string) => new Date(s);
/** Wall-clock time of an instant in a zone, e.g. "09:00". */
const localTime = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

describe('nextOccurrence (cron read in the tenant time zone)', () => {
  // Worked out by hand: Shanghai is UTC+8 all year; New York is UTC−5 (EST) until 2026-03-08 02:00, then UTC−4 (EDT).
  const cases: [string, string, string, string, string][] = [
    ['daily 09:00 Shanghai', '0 9 * * *', 'Asia/Shanghai', '2026-03-01T00:00:00Z', '2026-03-01T01:00:00.000Z'],
    ['daily 09:00 Shanghai, just after', '0 9 * * *', 'Asia/Shanghai', '2026-03-01T01:00:00Z', '2026-03-02T01:00:00.000Z'],
    ['daily 09:00 New York in winter', '0 9 * * *', 'America/New_York', '2026-03-06T20:00:00Z', '2026-03-07T14:00:00.000Z'],
    ['daily 09:00 New York across the DST change', '0 9 * * *', 'America/New_York', '2026-03-07T14:00:00Z', '2026-03-08T13:00:00.000Z'],
    ['Mondays 08:30 Shanghai', '30 8 * * 1', 'Asia/Shanghai', '2026-03-04T00:00:00Z', '2026-03-09T00:30:00.000Z'],
    ['1st of month 00:00 New York', '0 0 1 * *', 'America/New_York', '2026-02-15T00:00:00Z', '2026-03-01T05:00:00.000Z'],
  ];
  it.each(cases)('%s', (_name, cron, tz, after, expected) => {
    expect(nextOccurrence(cron, tz, utc(after)).toISOString()).toBe(expected);
  });

  it('rejects a bad cron or an unknown zone', () => {
    expect(() => nextOccurrence('61 9 * * *', 'Asia/Shanghai', new Date())).toThrow(InvalidScheduleError);
    expect(() => nextOccurrence('0 9 * * *', 'Mars/Olympus', new Date())).toThrow(InvalidScheduleError);
  });
});

async function schedule(tenantId: string, key: string) {
  const [row] = await database.db
    .select()
    .from(jobSchedules)
    .where(and(eq(jobSchedules.tenantId, tenantId), eq(jobSchedules.key, key)));
  return row;
}

describe('recurring schedules', () => {
  it('fires 09:00 local in Shanghai and in New York at their own UTC instants, exactly once per occurrence', async () => {
    const runs: { tenantId: string; runAt: Date; payload: unknown }[] = [];
    registerJob('test.daily-report', async (job) => void runs.push({ tenantId: job.tenantId, runAt: job.runAt, payload: job.payload }));
    for (const t of [shanghai, newYork]) {
      const { nextRunAt } = await upsertSchedule(database.db, { tenantId: t.id, key: 'daily-report', cron: '0 9 * * *', timeZone: t.ctx.timeZone, jobName: 'test.daily-report', payload: { tz: t.ctx.timeZone } });
      expect(localTime(nextRunAt, t.ctx.timeZone)).toBe('09:00');
      expect(nextRunAt.getTime()).toBeGreaterThan(Date.now());
    }
    expect((await schedule(shanghai.id, 'daily-report')).nextRunAt.getUTCHours()).toBe(1);
    expect([13, 14]).toContain((await schedule(newYork.id, 'daily-report')).nextRunAt.getUTCHours()); // EDT or EST

    // Make the pending occurrence yesterday's (as if the process had been down through it).
    const due = new Map<string, Date>();
    for (const t of [shanghai, newYork]) {
      const s = await schedule(t.id, 'daily-report');
      const yesterday = new Date(s.nextRunAt.getTime() - 24 * 3600_000);
      const occurrence = nextOccurrence('0 9 * * *', t.ctx.timeZone, new Date(yesterday.getTime() - 3 * 3600_000));
      due.set(t.id, occurrence);
      await database.db.update(jobSchedules).set({ nextRunAt: occurrence }).where(and(eq(jobSchedules.tenantId, t.id), eq(jobSchedules.key, 'daily-report')));
    }

    expect(await enqueueDueSchedules(database.db)).toBe(2);
    expect(await enqueueDueSchedules(database.db)).toBe(0); // already advanced: nothing due twice
    for (const t of [shanghai, newYork]) {
      const s = await schedule(t.id, 'daily-report');
      expect(s.lastRunAt!.toISOString()).toBe(due.get(t.id)!.toISOString());
      expect(localTime(s.nextRunAt, t.ctx.timeZone)).toBe('09:00');
      expect(s.nextRunAt.getTime()).toBeGreaterThan(Date.now()); // missed backlog is not replayed
    }

    const worker = startWorker(database, { pollMs: 20, log: quietWorkerLog });
    try {
      await waitFor(async () => runs.length >= 2 && runs, 'scheduled jobs to run');
    } finally {
      await worker.stop();
    }
    expect(runs).toHaveLength(2);
    for (const t of [shanghai, newYork]) {
      const run = runs.find((r) => r.tenantId === t.id)!;
      expect(run.runAt.toISOString()).toBe(due.get(t.id)!.toISOString());
      expect(localTime(run.runAt, t.ctx.timeZone)).toBe('09:00');
      expect(run.payload).toEqual({ tz: t.ctx.timeZone });
    }
  });

  it('keeps the pending occurrence when re-upserted unchanged, and recomputes it when the cron changes', async () => {
    const input = { tenantId: shanghai.id, key: 'weekly', cron: '0 8 * * 1', timeZone: 'Asia/Shanghai', jobName: 'test.weekly' };
    await upsertSchedule(database.db, input);
    const past = new Date(Date.now() - 60_000);
    await database.db.update(jobSchedules).set({ nextRunAt: past }).where(and(eq(jobSchedules.tenantId, shanghai.id), eq(jobSchedules.key, 'weekly')));
    // A restart upserts the same schedule again: the overdue occurrence must survive.
    expect((await upsertSchedule(database.db, { ...input, payload: { v: 2 } })).nextRunAt.toISOString()).toBe(past.toISOString());
    const changed = await upsertSchedule(database.db, { ...input, cron: '0 8 * * 2' });
    expect(changed.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    expect(localTime(changed.nextRunAt, 'Asia/Shanghai')).toBe('08:00');
    const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(jobs).where(eq(jobs.name, 'test.weekly'));
    expect(n).toBe(0);
  });

  it('does not enqueue disabled schedules', async () => {
    await upsertSchedule(database.db, { tenantId: newYork.id, key: 'off', cron: '* * * * *', timeZone: 'America/New_York', jobName: 'test.off', enabled: false });
    await database.db.update(jobSchedules).set({ nextRunAt: new Date(Date.now() - 60_000) }).where(and(eq(jobSchedules.tenantId, newYork.id), eq(jobSchedules.key, 'off')));
    expect(await enqueueDueSchedules(database.db)).toBe(0);
  });
});
