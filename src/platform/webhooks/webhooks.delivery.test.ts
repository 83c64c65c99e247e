import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase } from '../db/test-db.ts';
import type { Database } from '../db/db.ts';
import { createTenant, type TestTenant } from '../http/test-app.ts';
import { quietWorkerLog, startWorker, type Worker } from '../jobs/worker.ts';
import { count, waitFor } from '../jobs/testing.ts';
import { jobs } from '../jobs/jobs.schema.ts';
import { dispatchOutbox } from '../outbox/dispatch.ts';
import { emitEvent, recordChange } from '../outbox/outbox.ts';
import { createWebhook, deleteWebhook, sendTestEvent, updateWebhook } from './webhooks.service.ts';
import { signWebhook, verifyWebhookSignature } from './signature.ts';
import { webhookDeliverySettings, WEBHOOK_DELIVER_JOB, WEBHOOK_MAX_ATTEMPTS } from './webhooks.delivery.ts';
import { webhookDeliveries } from './webhooks.schema.ts';

// the receivers of these tests listen on loopback, which tenant-chosen targets may not use by default
process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';

let database: Database;
let worker: Worker | undefined;
const receivers: Receiver[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  webhookDeliverySettings.timeoutMs = 10_000;
});
afterAll(() => database.close());

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/**
 * A real HTTP endpoint on 127.0.0.1. `respond(n)` decides the answer to the n-th request (1-based):
 * a status code, or 'hang' to never answer.
 */
async function startReceiver(respond: (n: number) => number | 'hang' | Promise<number | 'hang'> = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = await respond(received.length);
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer >= 300 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const r: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  receivers.push(r);
  return r;
}

function runWorker() {
  worker = startWorker(database, { pollMs: 20, log: quietWorkerLog, backoffMs: () => 10 });
}

async function deliveriesOf(tenant: TestTenant) {
  return database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, tenant.id)).orderBy(webhookDeliveries.id);
}

const userCreated = (t: TestTenant, id = 'u-1') =>
  database.db.transaction((tx) => recordChange(tx, t.ctx, { action: 'created', entityType: 'user', entityId: id, after: { id, name: '张三' } }));

describe('webhook delivery', () => {
  it('POSTs matching events, signed, to active subscriptions of the event tenant only', async () => {
    const tenant = await createTenant(database);
    const other = await createTenant(database);
    const hit = await startReceiver();
    const miss = await startReceiver();
    const { subscription, secret } = await createWebhook(tenant.ctx, { url: hit.url, events: ['user.created'] });
    await createWebhook(tenant.ctx, { url: miss.url, events: ['team.created'] });
    const inactive = await createWebhook(tenant.ctx, { url: miss.url, events: ['*'] });
    await updateWebhook(tenant.ctx, inactive.subscription.id, { version: 1, active: false });
    const otherReceiver = await startReceiver();
    await createWebhook(other.ctx, { url: otherReceiver.url, events: ['*'] });

    await userCreated(tenant);
    runWorker();
    const [d] = await waitFor(async () => {
      const rows = await deliveriesOf(tenant);
      return rows.length > 0 && rows.every((r) => r.status === 'delivered') && rows;
    }, 'delivery');
    expect(hit.received).toHaveLength(1);
    expect(miss.received).toHaveLength(0);
    // the other tenant's catch-all subscription hears only its own tenant's events
    await waitFor(async () => otherReceiver.received.length > 0, 'other tenant delivery');
    expect(otherReceiver.received.map((x) => JSON.parse(x.body).tenantId)).toEqual([other.id]);
    expect(d).toMatchObject({ subscriptionId: subscription.id, eventType: 'user.created', attempts: 1, lastStatusCode: 200, lastError: null });

    const { headers, body } = hit.received[0];
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-webhook-event']).toBe('user.created');
    expect(headers['x-webhook-id']).toBe(d.eventId);
    expect(headers['x-webhook-delivery']).toBe(String(d.id));
    expect(verifyWebhookSignature(secret, headers['x-webhook-timestamp'] as string, body, headers['x-webhook-signature'] as string)).toBe(true);
    expect(verifyWebhookSignature('whsec_wrong', headers['x-webhook-timestamp'] as string, body, headers['x-webhook-signature'] as string)).toBe(false);
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['id', 'type', 'tenantId', 'occurredAt', 'data']);
    expect(parsed).toMatchObject({ id: d.eventId, type: 'user.created', tenantId: tenant.id, data: { id: 'u-1', name: '张三' } });
    expect(new Date(parsed.occurredAt as string).toISOString()).toBe(parsed.occurredAt);
  });

  it('retries a receiver that answers 500 twice, then records it delivered after 3 attempts', async () => {
    const tenant = await createTenant(database);
    const seenBefore: { status: string; attempts: number; code: number | null }[] = [];
    const r = await startReceiver(async (n) => {
      // What the platform recorded about the previous attempt, as this one arrives.
      const [row] = await deliveriesOf(tenant);
      seenBefore.push({ status: row.status, attempts: row.attempts, code: row.lastStatusCode });
      return n <= 2 ? 500 : 200;
    });
    const { secret } = await createWebhook(tenant.ctx, { url: r.url, events: ['user.created'] });
    await userCreated(tenant);
    runWorker();
    const [d] = await waitFor(async () => {
      const [row] = await deliveriesOf(tenant);
      return row?.status === 'delivered' && [row];
    }, 'delivered after retries');
    expect(d).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
    expect(d.deliveredAt).toBeInstanceOf(Date);
    expect(seenBefore).toEqual([
      { status: 'pending', attempts: 0, code: null },
      { status: 'retrying', attempts: 1, code: 500 },
      { status: 'retrying', attempts: 2, code: 500 },
    ]);
    expect(new Set(r.received.map((x) => x.headers['x-webhook-id'])).size).toBe(1); // same event id on every retry
    for (const x of r.received) {
      expect(verifyWebhookSignature(secret, x.headers['x-webhook-timestamp'] as string, x.body, x.headers['x-webhook-signature'] as string)).toBe(true);
    }
    // the delivery row is written by the job's handler, the job row right after it returns: wait for that too
    const job = await waitFor(async () => {
      const [row] = await database.db.select().from(jobs).where(and(eq(jobs.tenantId, tenant.id), eq(jobs.name, WEBHOOK_DELIVER_JOB)));
      return row?.status !== 'running' && row;
    }, 'job finished');
    expect(job).toMatchObject({ status: 'done', attempts: 3, maxAttempts: WEBHOOK_MAX_ATTEMPTS });
  });

  it(`marks a delivery failed after ${WEBHOOK_MAX_ATTEMPTS} failed attempts, and dead-letters its job`, async () => {
    const tenant = await createTenant(database);
    const r = await startReceiver(() => 500);
    await createWebhook(tenant.ctx, { url: r.url, events: ['user.created'] });
    await userCreated(tenant);
    runWorker();
    const [d] = await waitFor(async () => {
      const [row] = await deliveriesOf(tenant);
      return row?.status === 'failed' && [row];
    }, 'failed delivery');
    expect(d).toMatchObject({ attempts: WEBHOOK_MAX_ATTEMPTS, lastStatusCode: 500, lastError: 'HTTP 500: nope' });
    expect(r.received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    // the delivery row is marked inside the handler; the job is marked dead just after it returns
    const job = await waitFor(async () => {
      const [row] = await database.db.select().from(jobs).where(and(eq(jobs.tenantId, tenant.id), eq(jobs.name, WEBHOOK_DELIVER_JOB)));
      return row?.status === 'dead' && row;
    }, 'dead job');
    expect(job.lastError).toContain('HTTP 500');
  });

  it('gives up on a receiver that does not answer in time, and retries', async () => {
    webhookDeliverySettings.timeoutMs = 300;
    const tenant = await createTenant(database);
    const errorsBefore: (string | null)[] = [];
    const r = await startReceiver(async (n) => {
      if (n === 1) return 'hang';
      const [row] = await deliveriesOf(tenant);
      errorsBefore.push(row.lastError);
      return 204;
    });
    await createWebhook(tenant.ctx, { url: r.url, events: ['user.created'] });
    await userCreated(tenant);
    runWorker();
    const [d] = await waitFor(async () => {
      const [row] = await deliveriesOf(tenant);
      return row?.status === 'delivered' && [row];
    }, 'delivered after a timeout');
    expect(d).toMatchObject({ attempts: 2, lastStatusCode: 204 });
    expect(errorsBefore).toEqual(['timeout after 300 ms']);
  });

  it('sends a test event to one subscription only, whatever its filter', async () => {
    const tenant = await createTenant(database);
    const target = await startReceiver();
    const bystander = await startReceiver();
    const { subscription, secret } = await createWebhook(tenant.ctx, { url: target.url, events: ['team.deleted'] });
    await updateWebhook(tenant.ctx, subscription.id, { version: 1, active: false });
    await createWebhook(tenant.ctx, { url: bystander.url, events: ['*'] });
    const delivery = await sendTestEvent(tenant.ctx, subscription.id);
    expect(delivery).toMatchObject({ eventType: 'webhook.test', status: 'pending', attempts: 0 });
    runWorker();
    await waitFor(async () => target.received.length === 1 && (await count(database.db, sql`select count(*) as n from outbox_events where processed_at is null`)) === 0, 'test delivery');
    const { headers, body } = target.received[0];
    expect(headers['x-webhook-event']).toBe('webhook.test');
    expect(verifyWebhookSignature(secret, headers['x-webhook-timestamp'] as string, body, headers['x-webhook-signature'] as string)).toBe(true);
    expect(JSON.parse(body)).toMatchObject({ type: 'webhook.test', data: { subscriptionId: subscription.id } });
    // the bystander subscribed to '*' but gets the create/update events, never the other's test
    expect(bystander.received.map((x) => x.headers['x-webhook-event'])).not.toContain('webhook.test');
  });

  it('drops deliveries of a subscription deleted before they were sent', async () => {
    const tenant = await createTenant(database);
    const r = await startReceiver();
    const { subscription } = await createWebhook(tenant.ctx, { url: r.url, events: ['team.created'] });
    await database.db.transaction((tx) => emitEvent(tx, tenant.ctx, 'team.created', 'team', 't-1', {}));
    expect(await dispatchOutbox(database.db)).toBeGreaterThan(0);
    expect(await deliveriesOf(tenant)).toHaveLength(1);
    await deleteWebhook(tenant.ctx, subscription.id, 1);
    runWorker();
    await waitFor(async () => {
      const [job] = await database.db.select().from(jobs).where(and(eq(jobs.tenantId, tenant.id), eq(jobs.name, WEBHOOK_DELIVER_JOB)));
      return job?.status === 'done';
    }, 'delivery job finished');
    expect(r.received).toHaveLength(0);
  });
});

describe('verifyWebhookSignature', () => {
  const secret = 'whsec_test';
  const now = new Date('2026-03-01T00:00:00Z');
  const ts = Math.floor(now.getTime() / 1000);
  const body = '{"id":"1","type":"user.created"}';
  it('accepts the signature of the exact body and timestamp', () => {
    expect(verifyWebhookSignature(secret, ts, body, signWebhook(secret, ts, body), { now })).toBe(true);
    expect(verifyWebhookSignature(secret, String(ts), body, signWebhook(secret, ts, body), { now })).toBe(true);
  });
  it('rejects a changed body, another timestamp, a stale request or a malformed header', () => {
    const sig = signWebhook(secret, ts, body);
    expect(verifyWebhookSignature(secret, ts, body.replace('1', '2'), sig, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, ts + 1, body, sig, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, ts, body, sig, { now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifyWebhookSignature(secret, ts, body, 'sha256=00', { now })).toBe(false);
    expect(verifyWebhookSignature(secret, ts, body, undefined, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, 'abc', body, sig, { now })).toBe(false);
  });
});
