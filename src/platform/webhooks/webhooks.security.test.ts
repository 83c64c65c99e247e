import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createTestApp, createTenant, sessionWithRoles, type Session, type TestApp, type TestTenant } from '../http/test-app.ts';
import { SecretDecryptError } from '../crypto/secrets.ts';
import { verifyWebhookSignature } from './signature.ts';
import { deliverWebhook } from './webhooks.delivery.ts';
import { createWebhook, encryptPlainWebhookSecrets, sendTestEvent } from './webhooks.service.ts';
import { webhookDeliveries, webhookSubscriptions } from './webhooks.schema.ts';
import type { WebhookCreated } from './webhooks.contract.ts';

/**
 * Secrets at rest and private-network targets. ALLOW_PRIVATE_WEBHOOK_TARGETS is switched per test: loopback
 * receivers are the only ones a test may use, so each test saves with the flag on where it needs to and
 * turns it off to see the refusal.
 */
let t: TestApp;
let admin: Session;
let tenant: TestTenant;
let server: http.Server;
let port: number;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

const allowPrivate = (on: boolean) => {
  if (on) process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  else delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
};

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  admin = await sessionWithRoles(t, ['admin'], tenant);
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(() => {
  allowPrivate(false);
  delete process.env.SECRETS_KEY;
  received.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

/** One delivery attempt of a fresh test event, run directly (no worker): the row's outcome. */
async function deliverTest(subscriptionId: string) {
  const d = await sendTestEvent(tenant.ctx, subscriptionId);
  const job = { db: t.database.db, tenantId: tenant.id, jobId: 0, name: 'webhook.deliver', payload: { deliveryId: d.id }, attempt: 1, maxAttempts: 8, runAt: new Date(), workerId: 'test' };
  const error = await deliverWebhook(t.database.db, job).then(
    () => null,
    (e: Error) => e,
  );
  const [row] = await t.database.db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, tenant.id), eq(webhookDeliveries.id, d.id)));
  return { row, error };
}

const storedSecret = async (id: string) =>
  (await t.database.db.select({ s: webhookSubscriptions.secret }).from(webhookSubscriptions).where(and(eq(webhookSubscriptions.tenantId, tenant.id), eq(webhookSubscriptions.id, id))))[0].s;

describe('webhook secrets at rest', () => {
  it('stores the signing secret encrypted, never returns it after creation, and still signs with it', async () => {
    allowPrivate(true);
    const res = await admin.request({ method: 'POST', url: '/api/v1/webhooks', payload: { url: `http://127.0.0.1:${port}/hook`, events: ['*'] } });
    expect(res.statusCode).toBe(201);
    const { subscription, secret } = res.json() as WebhookCreated;
    const stored = await storedSecret(subscription.id);
    expect(stored.startsWith('v1:')).toBe(true);
    expect(stored).not.toContain(secret);
    for (const url of ['/api/v1/webhooks', `/api/v1/webhooks/${subscription.id}`]) {
      const body = (await admin.request({ method: 'GET', url })).body;
      expect(body).toContain(subscription.id);
      expect(body, url).not.toContain(secret);
      expect(body, url).not.toContain(stored);
    }
    const { row } = await deliverTest(subscription.id);
    expect(row).toMatchObject({ status: 'delivered', lastStatusCode: 200 });
    const [got] = received;
    expect(verifyWebhookSignature(secret, got.headers['x-webhook-timestamp'] as string, got.body, got.headers['x-webhook-signature'] as string)).toBe(true);
  });

  it('with another SECRETS_KEY a delivery fails with a clear error instead of sending unsigned or crashing', async () => {
    allowPrivate(true);
    const { subscription } = await createWebhook(tenant.ctx, { url: `http://127.0.0.1:${port}/hook`, events: ['*'] });
    process.env.SECRETS_KEY = randomBytes(32).toString('base64');
    const { row, error } = await deliverTest(subscription.id);
    expect(error).toBeInstanceOf(SecretDecryptError);
    expect(row).toMatchObject({ status: 'retrying', attempts: 1, lastStatusCode: null });
    expect(row.lastError).toMatch(/cannot be decrypted: SECRETS_KEY is not the key/);
    expect(received).toHaveLength(0);
  });

  it('keeps plain secrets of earlier versions working and encrypts them at start-up', async () => {
    allowPrivate(true);
    const plain = `whsec_${randomBytes(32).toString('base64url')}`;
    const [sub] = await t.database.db
      .insert(webhookSubscriptions)
      .values({ tenantId: tenant.id, url: `http://127.0.0.1:${port}/old`, events: ['*'], secret: plain })
      .returning();
    expect((await deliverTest(sub.id)).row.status).toBe('delivered');
    expect(await encryptPlainWebhookSecrets(t.database.db)).toBeGreaterThanOrEqual(1);
    const stored = await storedSecret(sub.id);
    expect(stored.startsWith('v1:')).toBe(true);
    expect(await encryptPlainWebhookSecrets(t.database.db)).toBe(0);
    received.length = 0;
    expect((await deliverTest(sub.id)).row.status).toBe('delivered');
    const [got] = received;
    expect(verifyWebhookSignature(plain, got.headers['x-webhook-timestamp'] as string, got.body, got.headers['x-webhook-signature'] as string)).toBe(true);
  });
});

describe('webhook targets in private networks', () => {
  const privateUrls = ['http://10.0.0.1/hook', 'http://127.0.0.1:9/hook', 'http://[::1]:9/hook', 'http://169.254.169.254/latest/meta-data/', 'http://localhost:9/hook'];

  it.each(privateUrls)('refuses %s on save with a field error in both languages', async (url) => {
    const en = await admin.request({ method: 'POST', url: '/api/v1/webhooks', payload: { url, events: ['*'] }, headers: { 'accept-language': 'en' } });
    expect(en.statusCode).toBe(422);
    const [fe] = en.json().fieldErrors;
    expect(fe).toMatchObject({ path: 'url', code: 'errors.private_target' });
    expect(fe.message).toMatch(/private, loopback or link-local network/);
    const zh = await admin.request({ method: 'POST', url: '/api/v1/webhooks', payload: { url, events: ['*'] }, headers: { 'accept-language': 'zh-CN' } });
    expect(zh.json().fieldErrors[0].message).toContain('内网');
  });

  it('refuses a private URL on update too', async () => {
    const { subscription } = await createWebhook(tenant.ctx, { url: 'https://hooks.example.com/x', events: ['*'] });
    const res = await admin.request({ method: 'PATCH', url: `/api/v1/webhooks/${subscription.id}`, payload: { version: 1, url: 'http://192.168.1.10/x' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().fieldErrors[0]).toMatchObject({ path: 'url', code: 'errors.private_target' });
  });

  it.each(privateUrls)('allows %s with ALLOW_PRIVATE_WEBHOOK_TARGETS=1', async (url) => {
    allowPrivate(true);
    const res = await admin.request({ method: 'POST', url: '/api/v1/webhooks', payload: { url, events: ['*'] } });
    expect(res.statusCode).toBe(201);
  });

  it.each(['127.0.0.1', 'localhost'])('checks again at delivery, after DNS: a target at %s saved earlier is not contacted', async (host) => {
    allowPrivate(true);
    const { subscription } = await createWebhook(tenant.ctx, { url: `http://${host}:${port}/hook`, events: ['*'] });
    expect((await deliverTest(subscription.id)).row.status).toBe('delivered');
    received.length = 0;
    allowPrivate(false);
    const { row, error } = await deliverTest(subscription.id);
    expect(error).not.toBeNull();
    expect(row).toMatchObject({ status: 'retrying', lastStatusCode: null });
    expect(row.lastError).toMatch(host === 'localhost' ? /localhost resolves to (127\.0\.0\.1|::1), a private, loopback or link-local address/ : /127\.0\.0\.1 is a private, loopback or link-local address/);
    expect(received).toHaveLength(0);
  });
});
