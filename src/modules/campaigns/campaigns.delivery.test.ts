import { afterAll, beforeAll, vi, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { createTenant, createTestApp, sessionWithRoles, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { startSmtpListener, type SmtpListener } from '../../platform/mail/index.ts';
import { quietWorkerLog, startWorker } from '../../platform/jobs/worker.ts';
import { count, waitFor } from '../../platform/jobs/testing.ts';
import { rows } from '../../platform/db/db.ts';
import { readFileSync } from 'node:fs';
import { runFanout } from './fanout.ts';
import { addCampaign, addCustomer, messagesOf } from './campaigns.testkit.ts';
import { prepare, SEND_JOB, sendMessageJob, transmit } from './send.service.ts';
import type { CampaignMessage, CampaignTemplate, RenderedMessage, TemplateBodies } from './campaigns.contract.ts';

// A shared 2-core machine: real SMTP round trips and a worker are slow under load, never wrong.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/**
 * The delivery path's edges: resume after a pause, an e-mail attempt cut off after the relay took it, the
 * local outbox when no SMTP relay is set, and what template HTML may carry.
 */
let t: TestApp;
let relay: SmtpListener;
const relayed: { raw: string; to: string[] }[] = [];
const promotion = { kind: 'promotion', sendAt: '2026-01-01T00:00:00Z' } as const;

beforeAll(async () => {
  t = await createTestApp();
  relay = await startSmtpListener({ host: '127.0.0.1', port: 0, maxBytes: 1_000_000, acceptRecipient: async () => true, onMessage: async (raw, env) => void relayed.push({ raw: raw.toString('utf8'), to: env.rcptTo }) });
});
afterAll(async () => {
  delete process.env.SMTP_OUT_URL;
  await relay?.close();
  await t?.close();
});

/** Runs the worker until no job of the tenant is left to do. */
async function drain(tenantId: string) {
  const worker = startWorker(t.database, { pollMs: 20, log: quietWorkerLog, backoffMs: () => 20 });
  try {
    await waitFor(async () => (await count(t.database.db, sql`select count(*) as n from jobs where tenant_id = ${tenantId} and status not in ('done', 'dead')`)) === 0, 'jobs done', { timeoutMs: 60_000 });
  } finally {
    await worker.stop();
  }
}

async function outbox(s: Session) {
  const res = await s.request({ method: 'GET', url: '/api/v1/mail/outbox?limit=200' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { id: string; kind: string; toAddress: string; subject: string; status: string; transport: string; ticketId: string | null }[];
}

async function tenantWith(n: number): Promise<{ tenant: TestTenant; manager: Session; emails: string[] }> {
  const tenant = await createTenant(t.database, { name: '演示电器' });
  const manager = await sessionWithRoles(t, ['manager'], tenant);
  const emails: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = `c${i}.${tenant.slug}@example.cn`;
    await addCustomer(t.database, tenant, { name: `客户${i}`, email, consents: ['email'] });
    emails.push(email);
  }
  return { tenant, manager, emails };
}

describe('campaign e-mail without an SMTP relay (embedded default)', () => {
  it('goes to the local outbox with its raw source, marked as campaign mail', async () => {
    delete process.env.SMTP_OUT_URL;
    const { tenant, manager, emails } = await tenantWith(1);
    const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: promotion });
    await runFanout(t.database.db, tenant.id, { campaignId });
    await drain(tenant.id);
    const [m] = await messagesOf(t.database, tenant.id, campaignId);
    expect(m).toMatchObject({ status: 'sent', providerRef: 'local', attempts: 1, reason: null });
    const items = await outbox(manager);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'campaign', toAddress: emails[0], subject: '客户0，生日快乐', status: 'sent', transport: 'local', ticketId: null });
    const detail = (await manager.request({ method: 'GET', url: `/api/v1/mail/outbox/${items[0].id}` })).json();
    const parsed = await simpleParser(detail.raw as string);
    expect(parsed.messageId).toBe(`<campaign.${m.id}@${tenant.slug}.localhost>`);
    expect(detail.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(detail.text).toContain('亲爱的客户0，祝您生日快乐！');
    expect(detail.html).toContain('领取礼品');
    // the job again (at-least-once queue): no second outbox row
    await t.database.db.execute(sql`insert into jobs (tenant_id, name, payload) values (${tenant.id}, ${SEND_JOB}, ${JSON.stringify({ messageId: m.id })}::jsonb)`);
    await drain(tenant.id);
    expect(await outbox(manager)).toHaveLength(1);
    // another organisation's outbox does not show it
    expect(await outbox(await sessionWithRoles(t, ['manager']))).toEqual([]);
  });
});

describe('resume after pause', () => {
  it('sends the messages the pause skipped, exactly one per customer, also after pausing and resuming twice', async () => {
    delete process.env.SMTP_OUT_URL;
    const { tenant, manager, emails } = await tenantWith(6);
    const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: promotion });
    expect(await runFanout(t.database.db, tenant.id, { campaignId })).toBe(6);
    const queued = await messagesOf(t.database, tenant.id, campaignId);
    // mid-run: two send jobs ran before the pause
    for (const m of queued.slice(0, 2)) {
      await sendMessageJob({ db: t.database.db, tenantId: tenant.id, jobId: 0, name: SEND_JOB, payload: { messageId: m.id }, attempt: 1, maxAttempts: 5, runAt: new Date(), workerId: 'test' });
    }
    const pause = async (version: number) => (await manager.request({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/pause`, payload: { version } })).json();
    const start = (version: number) => manager.request({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/start`, payload: { version } });
    let c = await pause(1);
    expect(c.status).toBe('paused');
    await drain(tenant.id); // the other four jobs run while paused
    const during = await messagesOf(t.database, tenant.id, campaignId);
    expect(during.filter((m) => m.status === 'sent')).toHaveLength(2);
    expect(during.filter((m) => m.status === 'skipped' && m.reason === 'campaign_paused')).toHaveLength(4);

    const resumed = await start(c.version);
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect((await start(c.version)).statusCode).toBe(409); // the same resume twice: stale version
    const afterResume = await messagesOf(t.database, tenant.id, campaignId);
    expect(afterResume.filter((m) => m.status === 'queued')).toHaveLength(4);
    // pause and resume again before the worker ran: nothing is queued a second time
    c = await pause(resumed.json().version);
    expect((await start(c.version)).statusCode).toBe(200);
    const pending = await rows<{ message_id: string; n: number | string }>(
      t.database.db,
      sql`select payload->>'messageId' as message_id, count(*) as n from jobs where tenant_id = ${tenant.id} and name = ${SEND_JOB} and status = 'queued' group by 1`,
    );
    expect(pending.map((p) => Number(p.n))).toEqual([1, 1, 1, 1]);

    await drain(tenant.id);
    const done = await messagesOf(t.database, tenant.id, campaignId);
    expect(done.map((m) => m.status)).toEqual(Array(6).fill('sent'));
    const mails = (await outbox(manager)).map((o) => o.toAddress).sort();
    expect(mails).toEqual([...emails].sort()); // one each, nobody twice
    // the fan-out of the resumed promotion ran too and added no second row for anybody
    expect(await runFanout(t.database.db, tenant.id, { campaignId })).toBe(0);
  });

  it('a greeting held back by the pause goes out late by a few days at most; older ones stay skipped', async () => {
    delete process.env.SMTP_OUT_URL;
    const { tenant, manager } = await tenantWith(2);
    const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: { kind: 'birthday' }, status: 'paused' });
    const customers = await rows<{ id: string }>(t.database.db, sql`select id from customers where tenant_id = ${tenant.id} order by name`);
    // two birthdays skipped while paused: one yesterday, one a week ago
    for (const [n, days] of [[0, 1], [1, 7]] as const) {
      await t.database.db.execute(sql`insert into campaign_messages (tenant_id, campaign_id, customer_id, occasion_key, channel, status, reason, created_at)
        values (${tenant.id}, ${campaignId}, ${customers[n].id}, ${`birthday:test-${n}`}, 'email', 'skipped', 'campaign_paused', now() - make_interval(days => ${days}))`);
    }
    const res = await manager.request({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/start`, payload: { version: 1 } });
    expect(res.statusCode, res.body).toBe(200);
    const after = await rows<{ occasion_key: string; status: string }>(t.database.db, sql`select occasion_key, status from campaign_messages where campaign_id = ${campaignId} order by occasion_key`);
    expect(after).toEqual([
      { occasion_key: 'birthday:test-0', status: 'queued' },
      { occasion_key: 'birthday:test-1', status: 'skipped' },
    ]);
  });
});

describe('an e-mail attempt interrupted after the relay accepted it', () => {
  it('is not sent again: the retry marks it failed (interrupted_unknown), once, and the log explains it in both languages', async () => {
    process.env.SMTP_OUT_URL = `smtp://127.0.0.1:${relay.port}`;
    try {
      const { tenant, manager, emails } = await tenantWith(1);
      const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: promotion });
      await runFanout(t.database.db, tenant.id, { campaignId });
      const [queued] = await messagesOf(t.database, tenant.id, campaignId);
      // a worker prepares and hands the mail to the relay, then dies before it records the answer
      const d = await prepare(t.database.db, tenant.id, queued.id);
      if (d.kind !== 'deliver') throw new Error(`expected a message to deliver, got ${d.kind}`);
      expect(await transmit(t.database.db, tenant.id, d.message)).toMatchObject({ ref: expect.any(String) });
      expect(relayed.filter((r) => r.to.includes(emails[0]))).toHaveLength(1);
      expect((await messagesOf(t.database, tenant.id, campaignId))[0]).toMatchObject({ status: 'sending', attempts: 1, reason: null });

      await drain(tenant.id); // the job's retry
      const [m] = await messagesOf(t.database, tenant.id, campaignId);
      expect(m).toMatchObject({ status: 'failed', reason: 'interrupted_unknown', attempts: 1 });
      expect(relayed.filter((r) => r.to.includes(emails[0]))).toHaveLength(1);
      // and once more: still one mail, nothing changes
      await t.database.db.execute(sql`insert into jobs (tenant_id, name, payload) values (${tenant.id}, ${SEND_JOB}, ${JSON.stringify({ messageId: m.id })}::jsonb)`);
      await drain(tenant.id);
      expect(relayed.filter((r) => r.to.includes(emails[0]))).toHaveLength(1);
      expect((await messagesOf(t.database, tenant.id, campaignId))[0]).toMatchObject({ status: 'failed', reason: 'interrupted_unknown', attempts: 1 });

      const log = (await manager.request({ method: 'GET', url: `/api/v1/campaigns/${campaignId}/messages` })).json().items as CampaignMessage[];
      expect(log[0]).toMatchObject({ status: 'failed', reason: 'interrupted_unknown' });
      // the delivery log names the reason through the catalogues: both languages explain it
      const reason = (file: string) => (JSON.parse(readFileSync(new URL(`../../web/i18n/${file}`, import.meta.url), 'utf8')) as { campaigns: { reasons: Record<string, string> } }).campaigns.reasons.interrupted_unknown;
      expect(reason('en.json')).toMatch(/not sent again/);
      expect(reason('zh-CN.json')).toMatch(/不再重发/);
    } finally {
      delete process.env.SMTP_OUT_URL;
    }
  });

  it('is sent once when the worker died after preparing but before handing it over, or after a recorded failure', async () => {
    process.env.SMTP_OUT_URL = `smtp://127.0.0.1:${relay.port}`;
    try {
      const { tenant, emails } = await tenantWith(2);
      const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: promotion });
      await runFanout(t.database.db, tenant.id, { campaignId });
      const [a, b] = await messagesOf(t.database, tenant.id, campaignId);
      expect((await prepare(t.database.db, tenant.id, a.id)).kind).toBe('deliver'); // died right after this
      // b: an attempt whose failure was recorded (relay unreachable), as the job's catch block leaves it
      process.env.SMTP_OUT_URL = 'smtp://127.0.0.1:9';
      await expect(sendMessageJob({ db: t.database.db, tenantId: tenant.id, jobId: 0, name: SEND_JOB, payload: { messageId: b.id }, attempt: 1, maxAttempts: 5, runAt: new Date(), workerId: 'test' })).rejects.toThrow();
      expect((await messagesOf(t.database, tenant.id, campaignId)).find((m) => m.id === b.id)).toMatchObject({ status: 'sending', attempts: 1, reason: expect.stringMatching(/.+/) });
      process.env.SMTP_OUT_URL = `smtp://127.0.0.1:${relay.port}`;
      await drain(tenant.id);
      for (const m of await messagesOf(t.database, tenant.id, campaignId)) expect(m).toMatchObject({ status: 'sent', reason: null });
      for (const e of emails) expect(relayed.filter((r) => r.to.includes(e))).toHaveLength(1);
    } finally {
      delete process.env.SMTP_OUT_URL;
    }
  });
});

describe('template HTML', () => {
  const hostile: TemplateBodies = {
    'zh-CN': {
      subject: '{{customerName}}，会员日',
      text: '{{customerName}}您好，会员日全场8折。',
      html:
        '<html><head><title>会员日</title><style>body{color:red}</style><script>alert(1)</script></head><body>' +
        '<table width="600" cellpadding="0" style="border-collapse:collapse;background-color:#fff8e1"><tr><td align="center" style="padding:12px;font-family:\'Microsoft YaHei\',sans-serif;color:#333">' +
        '<p>亲爱的{{customerName}}</p><img src="https://cdn.example.cn/banner.png" width="600" alt="会员日" onerror="alert(2)">' +
        '<a href="javascript:alert(3)">点我</a> <a href="https://shop.example.cn/sale" onclick="alert(4)">去看看</a>' +
        '<div style="position:fixed;top:0;background:url(javascript:alert(5))">x</div>' +
        '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="p"></form>' +
        '<a href="{{unsubscribeUrl}}">退订</a></td></tr></table></body></html>',
    },
  };
  const escapedName = '&lt;img src=x onerror=alert(1)&gt;';
  const dangerous = /<script|alert\(|onerror|onclick|javascript:|<iframe|<form|<input|position:|<style|<title/i;

  function expectMarketingKept(html: string) {
    expect(html).toContain('<table width="600" cellpadding="0" style="border-collapse:collapse;background-color:#fff8e1">');
    expect(html).toContain(`<td align="center" style="padding:12px;font-family:'Microsoft YaHei',sans-serif;color:#333">`);
    expect(html).toContain('<img src="https://cdn.example.cn/banner.png" width="600" alt="会员日" />');
    expect(html).toContain('去看看</a>');
    expect(html).toContain('点我');
  }

  it('is sanitised on save and in the preview; customer data is escaped', async () => {
    const { tenant, manager } = await tenantWith(0);
    const res = await manager.request({ method: 'POST', url: '/api/v1/campaign-templates', payload: { name: '会员日', channel: 'email', bodies: hostile } });
    expect(res.statusCode, res.body).toBe(201);
    const saved = res.json() as CampaignTemplate;
    const html = saved.bodies['zh-CN']!.html!;
    expect(html).not.toMatch(dangerous);
    expectMarketingKept(html);
    expect(html).toContain('<a href="{{unsubscribeUrl}}">退订</a>');
    expect(html).toContain('<a href="https://shop.example.cn/sale">去看看</a>');
    // a body that is nothing but script is no HTML version at all (the text one is used)
    const onlyScript = await manager.request({ method: 'PATCH', url: `/api/v1/campaign-templates/${saved.id}`, payload: { version: saved.version, bodies: { 'zh-CN': { ...hostile['zh-CN']!, html: '<script>alert(1)</script>' } } } });
    expect(onlyScript.json().bodies['zh-CN'].html).toBeNull();

    const evil = await addCustomer(t.database, tenant, { name: '<img src=x onerror=alert(1)>', email: 'evil@example.cn', consents: ['email'] });
    const preview = (await manager.request({ method: 'POST', url: '/api/v1/campaign-templates/render', payload: { draft: { name: 'd', channel: 'email', bodies: hostile }, customerId: evil } })).json() as RenderedMessage;
    expect(preview.html).toContain('<p>亲爱的&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(preview.html!.replaceAll(escapedName, '')).not.toMatch(dangerous);
    expectMarketingKept(preview.html!);
    expect(preview.subject).toBe('<img src=x onerror=alert(1)>，会员日'); // a header, not markup
  });

  it('is sanitised before sending, also a template stored before sanitising existed', async () => {
    delete process.env.SMTP_OUT_URL;
    const { tenant, manager } = await tenantWith(0);
    const evil = await addCustomer(t.database, tenant, { name: '<img src=x onerror=alert(1)>', email: 'evil@example.cn', consents: ['email'] });
    const named = await addCustomer(t.database, tenant, { name: 'javascript:alert(6)', email: 'js@example.cn', consents: ['email'] });
    const bodies: TemplateBodies = { 'zh-CN': { ...hostile['zh-CN']!, html: `${hostile['zh-CN']!.html!}<a href="{{customerName}}">me</a>` } };
    const { campaignId } = await addCampaign(t.database, tenant, { channel: 'email', schedule: promotion, bodies }); // straight into the table
    await runFanout(t.database.db, tenant.id, { campaignId });
    await drain(tenant.id);
    const sent = new Map((await messagesOf(t.database, tenant.id, campaignId)).map((m) => [m.customerId, m]));
    for (const id of [evil, named]) {
      const html = sent.get(id)!.html!;
      expect(sent.get(id)!.status).toBe('sent');
      // the names themselves are text (and an href that is no URL); nothing else of the list is left
      expect(html.replaceAll(escapedName, '').replace('亲爱的javascript:alert(6)', '')).not.toMatch(dangerous);
      expect(html).not.toContain('href="javascript:');
      expect(html).toContain('/api/v1/public/campaign-open?t=');
    }
    expect(sent.get(evil)!.html).toContain('亲爱的&lt;img src=x onerror=alert(1)&gt;');
    expect(sent.get(named)!.html).toContain('<a>me</a>'); // the name as a link target is dropped
    // what the customer receives (the outbox keeps the raw source) has the escaped name, not an <img>
    const mail = (await outbox(manager)).find((o) => o.toAddress === 'evil@example.cn')!;
    const raw = (await manager.request({ method: 'GET', url: `/api/v1/mail/outbox/${mail.id}` })).json().raw as string;
    const parsed = await simpleParser(raw);
    expect(String(parsed.html)).toContain('亲爱的&lt;img src=x onerror=alert(1)&gt;');
    expect(String(parsed.html)).not.toMatch(/<script|<img src="x"|onclick/i);
  });
});
