import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { createTestDatabase } from '../db/test-db.ts';
import type { Database } from '../db/db.ts';
import { createTenant, type TestTenant } from '../http/test-app.ts';
import { quietWorkerLog, startWorker, type Worker } from '../jobs/worker.ts';
import { count, waitFor } from '../jobs/testing.ts';
import { jobs } from '../jobs/jobs.schema.ts';
import { DELIVER_JOB, dispatchOutbox, subscribe } from './dispatch.ts';
import { emitEvent, recordChange, type DomainEvent } from './outbox.ts';
import { matchesEventType, registerEventTypes, knownEventTypes } from './event-types.ts';
import { outboxEvents } from './outbox.schema.ts';

let database: Database;
let tenant: TestTenant;

beforeAll(async () => {
  database = await createTestDatabase();
  tenant = await createTenant(database);
});
afterAll(() => database.close());

async function withWorker<T>(fn: (w: Worker) => Promise<T>): Promise<T> {
  const worker = startWorker(database, { pollMs: 20, log: quietWorkerLog, backoffMs: () => 10 });
  try {
    return await fn(worker);
  } finally {
    await worker.stop();
  }
}

const pending = () => count(database.db, sql`select count(*) as n from outbox_events where processed_at is null`);

describe('event types', () => {
  it('matches *, prefix.* and exact patterns', () => {
    expect(matchesEventType('*', 'user.created')).toBe(true);
    expect(matchesEventType('user.*', 'user.created')).toBe(true);
    expect(matchesEventType('user.*', 'users.created')).toBe(false);
    expect(matchesEventType('user.created', 'user.created')).toBe(true);
    expect(matchesEventType('user.created', 'user.updated')).toBe(false);
  });

  it('keeps a registry modules can add to', () => {
    registerEventTypes('ticket.created');
    expect(knownEventTypes()).toEqual(expect.arrayContaining(['user.created', 'settings.updated', 'webhook.test', 'ticket.created']));
    expect(() => registerEventTypes('Not A Type')).toThrow();
  });
});

describe('outbox dispatch', () => {
  it('delivers committed events to matching subscribers once, and never a rolled-back one', async () => {
    const got: Record<string, string[]> = { all: [], users: [], exact: [] };
    const offs = [
      subscribe('*', async (e) => void got.all.push(e.type), { name: 't1.all' }),
      subscribe('user.*', async (e) => void got.users.push(`${e.type}:${e.entityId}`), { name: 't1.users' }),
      subscribe('team.created', async (e) => void got.exact.push(e.type), { name: 't1.exact' }),
    ];
    try {
      await database.db.transaction(async (tx) => {
        await recordChange(tx, tenant.ctx, { action: 'created', entityType: 'user', entityId: 'u1', after: { name: 'A' } });
        await emitEvent(tx, tenant.ctx, 'team.created', 'team', 't1', { name: 'T' });
      });
      await expect(
        database.db.transaction(async (tx) => {
          await emitEvent(tx, tenant.ctx, 'user.deactivated', 'user', 'u-rolled-back', {});
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');

      await withWorker(() => waitFor(async () => got.all.length === 2 && got.users.length === 1 && got.exact.length === 1, 'subscribers called'));
      expect({ ...got, all: got.all.sort() }).toEqual({ all: ['team.created', 'user.created'], users: ['user.created:u1'], exact: ['team.created'] });
      expect(await pending()).toBe(0);
      // fan-out is recorded as one job per (event, subscriber), all done
      expect(await count(database.db, sql`select count(*) as n from jobs where name = ${DELIVER_JOB} and status = 'done'`)).toBe(4);
      // a second dispatch finds nothing: each event is fanned out once
      expect(await dispatchOutbox(database.db)).toBe(0);
    } finally {
      offs.forEach((off) => off());
    }
  });

  it('hands the subscriber the stored event, dates included', async () => {
    const seen: DomainEvent[] = [];
    const off = subscribe('settings.updated', async (e) => void seen.push(e), { name: 't2' });
    try {
      await database.db.transaction((tx) => emitEvent(tx, tenant.ctx, 'settings.updated', 'settings', tenant.id, { name: 'N', nested: { a: [1, 2] } }));
      await withWorker(() => waitFor(async () => seen.length === 1, 'event seen'));
      expect(seen[0]).toMatchObject({ tenantId: tenant.id, type: 'settings.updated', entityType: 'settings', entityId: tenant.id, payload: { name: 'N', nested: { a: [1, 2] } } });
      expect(seen[0].createdAt).toBeInstanceOf(Date);
      expect(typeof seen[0].id).toBe('number');
    } finally {
      off();
    }
  });

  it('retries a failing subscriber through the job queue without re-running the others', async () => {
    const calls = { flaky: 0, steady: 0 };
    const offs = [
      subscribe(
        'team.updated',
        async () => {
          calls.flaky++;
          if (calls.flaky < 3) throw new Error('subscriber down');
        },
        { name: 't3.flaky' },
      ),
      subscribe('team.updated', async () => void calls.steady++, { name: 't3.steady' }),
    ];
    try {
      await database.db.transaction((tx) => emitEvent(tx, tenant.ctx, 'team.updated', 'team', 't3', {}));
      await withWorker(() => waitFor(async () => calls.flaky === 3 && calls.steady === 1, 'flaky subscriber recovered'));
      expect(calls).toEqual({ flaky: 3, steady: 1 });
      const [job] = await database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.name, DELIVER_JOB), sql`${jobs.payload}->>'subscriber' = 't3.flaky'`));
      expect(job).toMatchObject({ status: 'done', attempts: 3 });
    } finally {
      offs.forEach((off) => off());
    }
  });

  it('dead-letters a subscriber that keeps failing; the event is still processed and visible as a dead job', async () => {
    const off = subscribe('team.deleted', async () => Promise.reject(new Error('always broken')), { name: 't4.broken', maxAttempts: 2 });
    try {
      await database.db.transaction((tx) => emitEvent(tx, tenant.ctx, 'team.deleted', 'team', 't4', {}));
      const dead = await withWorker(() =>
        waitFor(async () => {
          const [j] = await database.db
            .select()
            .from(jobs)
            .where(and(eq(jobs.status, 'dead'), sql`${jobs.payload}->>'subscriber' = 't4.broken'`));
          return j;
        }, 'dead subscriber job'),
      );
      expect(dead).toMatchObject({ attempts: 2, maxAttempts: 2, lastError: 'always broken', tenantId: tenant.id });
      const [event] = await database.db.select().from(outboxEvents).where(and(eq(outboxEvents.type, 'team.deleted'), isNull(outboxEvents.processedAt)));
      expect(event).toBeUndefined();
    } finally {
      off();
    }
  });

  it('refuses two subscribers with the same name, and names unnamed ones by pattern', () => {
    const off1 = subscribe('x.y', async () => undefined, { name: 'dup' });
    expect(() => subscribe('x.z', async () => undefined, { name: 'dup' })).toThrow(/already exists/);
    const off2 = subscribe('x.y', async () => undefined);
    const off3 = subscribe('x.y', async () => undefined);
    [off1, off2, off3].forEach((off) => off());
  });
});
