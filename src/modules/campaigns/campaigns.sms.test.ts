import { afterAll, beforeAll, vi, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { encryptSecret } from '../../platform/crypto/secrets.ts';
import { rows, type Database } from '../../platform/db/db.ts';
import { encryptPlainSmsSecrets } from './settings.service.ts';
import { createTestDatabase } from '../../platform/db/test-db.ts';
import { createTenant, type TestTenant } from '../../platform/http/test-app.ts';
import { quietWorkerLog, startWorker } from '../../platform/jobs/worker.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import { verifyWebhookSignature } from '../../platform/webhooks/signature.ts';
import '../../jobs.ts';
import { runFanout } from './fanout.ts';
import { prepare, transmit } from './send.service.ts';
import { addCampaign, addCustomer, messagesOf, type MessageRow } from './campaigns.testkit.ts';
import type { TemplateBodies } from './campaigns.contract.ts';

// A shared 2-core machine: real SMTP/HTTP round trips and a worker are slow under load, never wrong.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/** SMS through the HTTP gateway adapter, against a real HTTP server on 127.0.0.1 started here. */
let database: Database;
let tenant: TestTenant;
let gateway: Server;
let gatewayUrl: string;
const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
/** what the gateway answers, in order; the last one repeats */
let answers: { status: number; body: string }[] = [];

const smsBodies: TemplateBodies = { 'zh-CN': { subject: '', text: '{{customerName}}您好，会员日全场8折。回T退订', html: null }, en: { subject: '', text: 'Hi {{customerName}}, 20% off on member day. Reply T to stop', html: null } };
const SECRET = 'gateway-secret-123';

beforeAll(async () => {
  // the test's gateway listens on loopback, which tenant-chosen targets may not use by default
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  database = await createTestDatabase();
  tenant = await createTenant(database);
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      const a = answers.length > 1 ? answers.shift()! : answers[0];
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms/send`;
  await database.db.execute(sql`insert into campaign_settings (tenant_id, sms_gateway_url, sms_auth, sms_secret, sms_signature, cap_messages)
                                values (${tenant.id}, ${gatewayUrl}, 'hmac', ${SECRET}, '【演示电器】', 100)`);
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await new Promise((r) => gateway?.close(r));
  await database?.close();
});
beforeEach(() => {
  seen.length = 0;
});

async function sendPromotion(customer: { name: string; phone?: string; language?: 'zh-CN' | 'en' }, opts: { beforeWorker?: (campaignId: string) => Promise<void> } = {}): Promise<MessageRow> {
  const id = await addCustomer(database, tenant, { ...customer, phone: customer.phone ?? `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, consents: ['sms'] });
  const { campaignId } = await addCampaign(database, tenant, { channel: 'sms', bodies: smsBodies, smsTemplateId: 'SMS_0042', schedule: { kind: 'promotion', sendAt: '2026-01-01T00:00:00Z' }, segmentId: null });
  await database.db.execute(sql`update customers set merged_into_id = id where tenant_id = ${tenant.id} and id <> ${id}`); // audience: only this customer
  await runFanout(database.db, tenant.id, { campaignId });
  await opts.beforeWorker?.(campaignId);
  return settle(campaignId);
}

/** Runs the worker until the campaign's one message is sent or failed. */
async function settle(campaignId: string): Promise<MessageRow> {
  const worker = startWorker(database, { pollMs: 20, log: quietWorkerLog, backoffMs: () => 20 });
  try {
    return await waitFor(
      async () => {
        const [m] = await messagesOf(database, tenant.id, campaignId);
        return m && (m.status === 'sent' || m.status === 'failed') ? m : undefined;
      },
      'sms settled',
      { timeoutMs: 60_000 },
    );
  } finally {
    await worker.stop();
  }
}

describe('SMS over the HTTP gateway', () => {
  it('sends the documented JSON request, signed with HMAC, and keeps the gateway reference', async () => {
    answers = [{ status: 200, body: '{"id":"gw-0001"}' }];
    const m = await sendPromotion({ name: '王芳', phone: '+8613800138000' });
    expect(m).toMatchObject({ status: 'sent', providerRef: 'gw-0001', toAddress: '+8613800138000', attempts: 1, body: '【演示电器】王芳您好，会员日全场8折。回T退订' });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(JSON.parse(req.body)).toEqual({ to: '+8613800138000', text: '王芳您好，会员日全场8折。回T退订', signature: '【演示电器】', templateId: 'SMS_0042' });
    expect(req.headers['idempotency-key']).toBe(m.id);
    expect(verifyWebhookSignature(SECRET, String(req.headers['x-timestamp']), req.body, String(req.headers['x-signature']))).toBe(true);
    expect(verifyWebhookSignature('wrong-secret', String(req.headers['x-timestamp']), req.body, String(req.headers['x-signature']))).toBe(false);
  });

  it('retries a gateway error and sends once it recovers, under the same idempotency key', async () => {
    answers = [{ status: 503, body: 'busy' }, { status: 200, body: '{"messageId":"gw-0002"}' }];
    const m = await sendPromotion({ name: 'Anna', language: 'en' });
    expect(m).toMatchObject({ status: 'sent', providerRef: 'gw-0002', attempts: 2, reason: null });
    expect(seen.map((s) => s.headers['idempotency-key'])).toEqual([m.id, m.id]);
    expect(JSON.parse(seen[1].body).text).toBe('Hi Anna, 20% off on member day. Reply T to stop');
  });

  it('marks the message failed with the reason when the gateway keeps answering 500', async () => {
    answers = [{ status: 500, body: '{"error":"internal"}' }];
    const m = await sendPromotion({ name: '李雷' });
    expect(m.status).toBe('failed');
    expect(m.reason).toBe('SMS gateway HTTP 500: {"error":"internal"}');
    expect(m.attempts).toBe(5);
    expect(seen).toHaveLength(5);
  });

  it('fails at once on a 4xx (the request is wrong), and when no gateway is configured', async () => {
    answers = [{ status: 400, body: 'bad number' }];
    const m = await sendPromotion({ name: '赵敏', phone: '+8613900139000' });
    expect(m).toMatchObject({ status: 'failed', attempts: 1, reason: 'SMS gateway HTTP 400: bad number' });
    await database.db.execute(sql`update campaign_settings set sms_gateway_url = null where tenant_id = ${tenant.id}`);
    const n = await sendPromotion({ name: '钱多' });
    expect(n).toMatchObject({ status: 'failed', reason: 'sms_gateway_not_configured' });
  });

  it('authenticates with a bearer token when configured so', async () => {
    // stored encrypted, as the settings page saves it
    await database.db.execute(sql`update campaign_settings set sms_gateway_url = ${gatewayUrl}, sms_auth = 'bearer', sms_secret = ${encryptSecret(SECRET)} where tenant_id = ${tenant.id}`);
    answers = [{ status: 202, body: '' }];
    const m = await sendPromotion({ name: '孙丽' });
    expect(m).toMatchObject({ status: 'sent', providerRef: null });
    expect(seen[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(seen[0].headers['x-signature']).toBeUndefined();
  });

  it('does not send to a gateway in a private network unless the installation allows it', async () => {
    delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
    try {
      answers = [{ status: 200, body: '{"id":"gw-never"}' }];
      const m = await sendPromotion({ name: '吴刚' });
      expect(m.status).toBe('failed');
      expect(m.reason).toMatch(/^sms_gateway_private_target: 127\.0\.0\.1/);
      expect(seen).toHaveLength(0);
    } finally {
      process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
    }
  });

  it('sends an interrupted SMS again under the same Idempotency-Key, for the gateway to drop the copy', async () => {
    await database.db.execute(sql`update campaign_settings set sms_auth = 'hmac' where tenant_id = ${tenant.id}`);
    answers = [{ status: 200, body: '{"id":"gw-0100"}' }];
    const m = await sendPromotion(
      { name: '周杰', phone: '+8613700137000' },
      {
        // a worker hands the SMS to the gateway, which accepts it, and dies before recording the answer
        beforeWorker: async (campaignId) => {
          const [queued] = await messagesOf(database, tenant.id, campaignId);
          const d = await prepare(database.db, tenant.id, queued.id);
          if (d.kind !== 'deliver') throw new Error(`expected a message to deliver, got ${d.kind}`);
          expect(await transmit(database.db, tenant.id, d.message)).toEqual({ ref: 'gw-0100' });
          expect((await messagesOf(database, tenant.id, campaignId))[0]).toMatchObject({ status: 'sending', attempts: 1, reason: null });
        },
      },
    );
    expect(m).toMatchObject({ status: 'sent', providerRef: 'gw-0100', attempts: 2, reason: null });
    expect(seen.map((r) => r.headers['idempotency-key'])).toEqual([m.id, m.id]);
    expect(seen[1].body).toBe(seen[0].body);
  });

  it('encrypts a gateway secret saved in plain text by an earlier version at start-up, and still signs with it', async () => {
    await database.db.execute(sql`update campaign_settings set sms_secret = ${SECRET}, sms_auth = 'hmac', sms_gateway_url = ${gatewayUrl} where tenant_id = ${tenant.id}`);
    expect(await encryptPlainSmsSecrets(database.db)).toBeGreaterThanOrEqual(1);
    expect(await encryptPlainSmsSecrets(database.db)).toBe(0); // nothing plain left
    const [stored] = await rows<{ sms_secret: string }>(database.db, sql`select sms_secret from campaign_settings where tenant_id = ${tenant.id}`);
    expect(stored.sms_secret).toMatch(/^v1:/);
    answers = [{ status: 200, body: '{"id":"gw-enc"}' }];
    const m = await sendPromotion({ name: '郑和' });
    expect(m.status).toBe('sent');
    const [req] = seen;
    expect(verifyWebhookSignature(SECRET, String(req.headers['x-timestamp']), req.body, String(req.headers['x-signature']))).toBe(true);
  });
});
