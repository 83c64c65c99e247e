import { afterAll, beforeAll, vi, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createTenant, createTestApp, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { startSmtpListener, type SmtpListener } from '../../platform/mail/index.ts';
import { quietWorkerLog, startWorker } from '../../platform/jobs/worker.ts';
import { count, waitFor } from '../../platform/jobs/testing.ts';
import { rows } from '../../platform/db/db.ts';
import { runDaily, runFanout } from './fanout.ts';
import { addCampaign, addCustomer, messagesOf, sendJobs } from './campaigns.testkit.ts';
import { campaignReport } from './campaigns.service.ts';
import { listCustomerMessages } from './index.ts';

// A shared 2-core machine: real SMTP/HTTP round trips and a worker are slow under load, never wrong.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/** E-mail campaigns over real SMTP to a loopback relay (SMTP_OUT_URL), with the worker doing the sending. */
let t: TestApp;
let tenant: TestTenant;
let relay: SmtpListener;
const relayed: { raw: string; to: string[] }[] = [];
const ids: Record<string, string> = {};
let birthday: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { name: '演示电器', timeZone: 'Asia/Shanghai' });
  relay = await startSmtpListener({ host: '127.0.0.1', port: 0, maxBytes: 1_000_000, acceptRecipient: async () => true, onMessage: async (raw, env) => void relayed.push({ raw: raw.toString('utf8'), to: env.rcptTo }) });
  process.env.SMTP_OUT_URL = `smtp://127.0.0.1:${relay.port}`;
  ids.wang = await addCustomer(t.database, tenant, { name: '王芳', birthday: '1990-06-15', email: 'wang@example.cn', consents: ['email'] });
  ids.smith = await addCustomer(t.database, tenant, { name: 'Anna Smith', birthday: '1985-06-15', language: 'en', email: 'anna@example.com', consents: ['email'] });
  ids.noConsent = await addCustomer(t.database, tenant, { name: '李雷', birthday: '1992-06-15', email: 'li@example.cn' });
  ids.noAddress = await addCustomer(t.database, tenant, { name: '赵敏', birthday: '1993-06-15', consents: ['email'] });
  ids.otherDay = await addCustomer(t.database, tenant, { name: '钱多', birthday: '1993-06-16', email: 'qian@example.cn', consents: ['email'] });
  birthday = (await addCampaign(t.database, tenant, { channel: 'email', schedule: { kind: 'birthday' } })).campaignId;
});
afterAll(async () => {
  delete process.env.SMTP_OUT_URL;
  await relay?.close();
  await t?.close();
});

async function drain(campaignId: string, opts: { lockTimeoutMs?: number } = {}) {
  const worker = startWorker(t.database, { pollMs: 20, log: quietWorkerLog, backoffMs: () => 20, ...opts });
  try {
    await waitFor(async () => {
      const ms = await messagesOf(t.database, tenant.id, campaignId);
      return ms.length > 0 && ms.every((m) => m.status !== 'queued' && m.status !== 'sending');
    }, 'messages settled', { timeoutMs: 60_000 });
  } finally {
    await worker.stop();
  }
}

/** A header's unfolded value (mailparser turns List-* headers into objects). */
const header = (m: ParsedMail, key: string) => {
  const line = m.headerLines.find((h) => h.key === key)?.line ?? '';
  return line.replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]+:\s*/, '');
};
const mailTo = (address: string) => relayed.filter((r) => r.to.includes(address));

describe('birthday e-mails', () => {
  it("greets today's birthdays in their language, skipping no consent and no address", async () => {
    expect(await runFanout(t.database.db, tenant.id, { campaignId: birthday, date: '2026-06-15' })).toBe(4);
    await drain(birthday);
    const byCustomer = new Map((await messagesOf(t.database, tenant.id, birthday)).map((m) => [m.customerId, m]));
    expect(byCustomer.get(ids.wang)).toMatchObject({ status: 'sent', occasionKey: 'birthday:2026', toAddress: 'wang@example.cn', locale: 'zh-CN', subject: '王芳，生日快乐' });
    expect(byCustomer.get(ids.smith)).toMatchObject({ status: 'sent', locale: 'en', subject: 'Happy birthday, Anna Smith' });
    expect(byCustomer.get(ids.noConsent)).toMatchObject({ status: 'skipped', reason: 'no_consent' });
    expect(byCustomer.get(ids.noAddress)).toMatchObject({ status: 'skipped', reason: 'no_address' });
    expect(byCustomer.has(ids.otherDay)).toBe(false);
    expect(relayed.map((r) => r.to[0]).sort()).toEqual(['anna@example.com', 'wang@example.cn']);

    const zh = await simpleParser(mailTo('wang@example.cn')[0].raw);
    expect(zh.subject).toBe('王芳，生日快乐');
    expect(header(zh, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(zh.messageId).toBe(`<campaign.${byCustomer.get(ids.wang)!.id}@${tenant.slug}.localhost>`);
    expect(String(zh.html)).toContain('/api/v1/public/campaign-open?t=');
    expect(String(zh.html)).toContain('/api/v1/public/campaign-click?t=');
    const en = await simpleParser(mailTo('anna@example.com')[0].raw);
    expect(en.text).toContain('Dear Anna Smith, happy birthday!');
  });

  it('never sends twice for the same occasion: the daily run and the fan-out run again, jobs run again', async () => {
    const before = relayed.length;
    await runFanout(t.database.db, tenant.id, { campaignId: birthday, date: '2026-06-15' });
    expect(await runDaily(t.database.db, tenant.id, new Date('2026-06-15T01:00:00Z'))).toBe(1);
    expect(await runDaily(t.database.db, tenant.id, new Date('2026-06-15T01:00:00Z'))).toBe(0); // one fan-out job per day
    // a send job delivered twice (at-least-once queue): re-enqueue every send job of the tenant
    for (const j of await sendJobs(t.database, tenant.id)) {
      await t.database.db.execute(sql`insert into jobs (tenant_id, name, payload) values (${tenant.id}, 'campaigns.send', ${JSON.stringify(j.payload)}::jsonb)`);
    }
    const worker = startWorker(t.database, { pollMs: 20, log: quietWorkerLog });
    try {
      await waitFor(async () => (await count(t.database.db, sql`select count(*) as n from jobs where tenant_id = ${tenant.id} and status not in ('done', 'dead')`)) === 0, 'jobs done');
    } finally {
      await worker.stop();
    }
    expect(relayed.length).toBe(before);
    expect(await messagesOf(t.database, tenant.id, birthday)).toHaveLength(4);
  });

  it('survives a crash between queueing and sending: a restarted worker sends once', async () => {
    const fresh = await addCustomer(t.database, tenant, { name: '孙悟空', email: 'sun@example.cn', consents: ['email'] });
    const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: { kind: 'promotion', sendAt: '2026-01-01T00:00:00Z' } });
    await runFanout(t.database.db, tenant.id, { campaignId });
    // the worker that claimed the send job died before sending: the job stays 'running' with a stale lock
    await t.database.db.execute(sql`update jobs set status = 'running', attempts = 1, locked_by = 'crashed-worker', locked_at = now() - interval '1 hour'
                                      where tenant_id = ${tenant.id} and name = 'campaigns.send' and status = 'queued'`);
    expect(mailTo('sun@example.cn')).toHaveLength(0);
    await drain(campaignId, { lockTimeoutMs: 200 });
    expect(mailTo('sun@example.cn')).toHaveLength(1);
    const [m] = (await messagesOf(t.database, tenant.id, campaignId)).filter((x) => x.customerId === fresh);
    expect(m).toMatchObject({ status: 'sent', attempts: 1 });
    const [job] = await rows<{ attempts: number; status: string }>(t.database.db, sql`select attempts, status from jobs where tenant_id = ${tenant.id} and payload->>'messageId' = ${m.id}`);
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('respects the frequency cap per customer', async () => {
    await t.database.db.execute(sql`update campaign_settings set cap_messages = 2 where tenant_id = ${tenant.id}`);
    const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: { kind: 'promotion', sendAt: '2026-01-01T00:00:00Z' } });
    // 王芳 has 1 message in the window (birthday) → the promotion is her 2nd; Anna got the same; the next is capped
    await runFanout(t.database.db, tenant.id, { campaignId });
    await drain(campaignId);
    const second = await addCampaign(t.database, tenant, { channel: 'email', schedule: { kind: 'promotion', sendAt: '2026-01-01T00:00:00Z' } });
    await runFanout(t.database.db, tenant.id, { campaignId: second.campaignId });
    await drain(second.campaignId);
    const got = new Map((await messagesOf(t.database, tenant.id, second.campaignId)).map((m) => [m.customerId, m]));
    expect(got.get(ids.wang)).toMatchObject({ status: 'skipped', reason: 'capped' });
    expect(got.get(ids.smith)).toMatchObject({ status: 'skipped', reason: 'capped' });
    await t.database.db.execute(sql`update campaign_settings set cap_messages = 100 where tenant_id = ${tenant.id}`);
  });
});

describe('links in the e-mail', () => {
  const pathOf = (url: string) => { const u = new URL(url); return u.pathname + u.search; };

  it('tracks opens and clicks; the report shows the rates', async () => {
    const mail = await simpleParser(mailTo('wang@example.cn')[0].raw);
    const html = String(mail.html);
    const pixel = /<img src="([^"]+campaign-open[^"]+)"/.exec(html)![1];
    const click = /href="([^"]+campaign-click[^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
    const opened = await t.app.inject({ method: 'GET', url: pathOf(pixel) });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.headers['content-type']).toBe('image/gif');
    const res = await t.app.inject({ method: 'GET', url: pathOf(click) });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://shop.example/gift');
    const [m] = (await messagesOf(t.database, tenant.id, birthday)).filter((x) => x.customerId === ids.wang);
    expect(m.openedAt).toBeInstanceOf(Date);
    expect(m.clickedAt).toBeInstanceOf(Date);
    const report = await campaignReport(tenant.ctx, birthday);
    expect(report).toMatchObject({ total: 4, byStatus: { sent: 2, skipped: 2 }, skippedByReason: { no_consent: 1, no_address: 1 }, opened: 1, clicked: 1, openRate: 0.5, clickRate: 0.5 });
    // a tampered token is refused
    expect((await t.app.inject({ method: 'GET', url: pathOf(click).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) })).statusCode).toBe(404);
  });

  it('unsubscribes with one click, without sign-in; later campaigns skip the customer', async () => {
    const mail = await simpleParser(mailTo('wang@example.cn')[0].raw);
    const url = /<(http[^>]+)>/.exec(header(mail, 'list-unsubscribe'))![1];
    expect(mail.text).toContain(url);
    const res = await t.app.inject({ method: 'GET', url: pathOf(url) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('退订成功');
    const [consent] = await rows<{ granted: boolean; source: string }>(t.database.db, sql`select granted, source from customer_consents where tenant_id = ${tenant.id} and customer_id = ${ids.wang} and channel = 'email'`);
    expect(consent).toEqual({ granted: false, source: 'unsubscribe_link' });
    // written by the customers module like a change on the customer page: audit row + customer.consent_changed event
    const consentAudit = sql`select count(*) as n from audit_log where tenant_id = ${tenant.id} and entity_type = 'customer' and entity_id = ${ids.wang} and action = 'consent_changed'`;
    expect(await count(t.database.db, consentAudit)).toBe(1);
    expect(await count(t.database.db, sql`select count(*) as n from outbox_events where tenant_id = ${tenant.id} and type = 'customer.consent_changed' and entity_id = ${ids.wang}`)).toBe(1);
    // RFC 8058 POST again: still fine, nothing new recorded
    expect((await t.app.inject({ method: 'POST', url: pathOf(url), payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(200);
    expect(await count(t.database.db, consentAudit)).toBe(1);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/public/unsubscribe?t=not-a-real-token-at-all' })).statusCode).toBe(404);

    const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: { kind: 'promotion', sendAt: '2026-01-01T00:00:00Z' } });
    await runFanout(t.database.db, tenant.id, { campaignId });
    await drain(campaignId);
    const [m] = (await messagesOf(t.database, tenant.id, campaignId)).filter((x) => x.customerId === ids.wang);
    expect(m).toMatchObject({ status: 'skipped', reason: 'no_consent' });
    const history = await listCustomerMessages(tenant.ctx, ids.wang, { limit: 10 });
    expect(history[0]).toMatchObject({ campaignId, status: 'skipped' });
    expect(history.map((h) => h.status)).toContain('sent');
  });
});
