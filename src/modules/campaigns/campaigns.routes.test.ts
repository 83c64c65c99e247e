import { afterAll, beforeAll, vi, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/db.ts';
import { createTenant, createTestApp, sessionWithRoles, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { createCnStandard } from '../../platform/calendar/calendar.service.ts';
import { addCustomer, greetingBodies, messagesOf } from './campaigns.testkit.ts';
import { runFanout } from './fanout.ts';
import type { Campaign, CampaignTemplate, RenderedMessage } from './campaigns.contract.ts';

// A shared 2-core machine: real SMTP/HTTP round trips and a worker are slow under load, never wrong.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/** Templates, preview, campaigns lifecycle over HTTP: roles, tenants, versions, field errors in the user's language. */
let t: TestApp;
let tenant: TestTenant;
let manager: Session;
let agent: Session;
let analyst: Session;
let other: Session;
let wang: string;
let smith: string;
let template: CampaignTemplate;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { name: '演示电器' });
  manager = await sessionWithRoles(t, ['manager'], tenant);
  agent = await sessionWithRoles(t, ['agent'], tenant);
  analyst = await sessionWithRoles(t, ['analyst'], tenant);
  other = await sessionWithRoles(t, ['admin']);
  await createCnStandard(tenant.ctx);
  wang = await addCustomer(t.database, tenant, { name: '王芳', email: 'wang@example.cn' });
  smith = await addCustomer(t.database, tenant, { name: 'Anna Smith', language: 'en', email: 'anna@example.com' });
});
afterAll(() => t?.close());

const en = { 'accept-language': 'en' };

describe('templates and preview', () => {
  it('creates a bilingual template; unknown variables are field errors in the caller language', async () => {
    const bad = await manager.request({ method: 'POST', url: '/api/v1/campaign-templates', headers: en, payload: { name: 'x', channel: 'email', bodies: { 'zh-CN': { subject: 's', text: '你好 {{nmae}}' } } } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().fieldErrors[0]).toMatchObject({ path: 'bodies.zh-CN.text', message: expect.stringContaining('Unknown variable nmae') });
    const noSubject = await manager.request({ method: 'POST', url: '/api/v1/campaign-templates', payload: { name: 'x', channel: 'email', bodies: { en: { text: 'hi' } } } });
    expect(noSubject.json().fieldErrors[0]).toMatchObject({ path: 'bodies.en.subject' });
    const res = await manager.request({ method: 'POST', url: '/api/v1/campaign-templates', headers: { 'idempotency-key': 'tpl-1' }, payload: { name: '生日', channel: 'email', bodies: greetingBodies } });
    expect(res.statusCode).toBe(201);
    template = res.json();
    const again = await manager.request({ method: 'POST', url: '/api/v1/campaign-templates', headers: { 'idempotency-key': 'tpl-1' }, payload: { name: '生日', channel: 'email', bodies: greetingBodies } });
    expect(again.json().id).toBe(template.id);
  });

  it('previews with a real customer in the customer language, or the one asked for', async () => {
    const zh = (await manager.request({ method: 'POST', url: '/api/v1/campaign-templates/render', payload: { templateId: template.id, customerId: wang } })).json() as RenderedMessage;
    expect(zh).toMatchObject({ locale: 'zh-CN', subject: '王芳，生日快乐', smsLength: null });
    expect(zh.text).toMatch(/^亲爱的王芳，祝您生日快乐！退订：http:\/\/.+\/api\/v1\/public\/unsubscribe\?t=/);
    const enMsg = (await manager.request({ method: 'POST', url: '/api/v1/campaign-templates/render', payload: { templateId: template.id, customerId: smith } })).json() as RenderedMessage;
    expect(enMsg).toMatchObject({ locale: 'en', subject: 'Happy birthday, Anna Smith' });
    expect(enMsg.html).toContain('<p>Dear Anna Smith, happy birthday!');
    const forced = (await manager.request({ method: 'POST', url: '/api/v1/campaign-templates/render', payload: { templateId: template.id, customerId: smith, locale: 'zh-CN' } })).json();
    expect(forced.subject).toBe('Anna Smith，生日快乐');
    const sms = (await manager.request({ method: 'POST', url: '/api/v1/campaign-templates/render', payload: { draft: { name: 'd', channel: 'sms', bodies: { 'zh-CN': { text: '{{customerName}}您好，{{tierName}}专享' } } }, customerId: wang } })).json();
    expect(sms).toMatchObject({ text: '王芳您好，普通会员专享', smsLength: 11, smsParts: 1 });
  });

  it("never shows or renders another tenant's templates or customers", async () => {
    expect((await other.request({ method: 'GET', url: `/api/v1/campaign-templates/${template.id}` })).statusCode).toBe(404);
    expect((await other.request({ method: 'POST', url: '/api/v1/campaign-templates/render', payload: { templateId: template.id, customerId: wang } })).statusCode).toBe(404);
    const draft = { name: 'd', channel: 'email', bodies: greetingBodies };
    expect((await other.request({ method: 'POST', url: '/api/v1/campaign-templates/render', payload: { draft, customerId: wang } })).statusCode).toBe(404);
    expect((await other.request({ method: 'GET', url: '/api/v1/campaign-templates' })).json()).toEqual([]);
  });

  it('is for campaign managers only', async () => {
    for (const s of [agent, analyst]) {
      expect((await s.request({ method: 'GET', url: '/api/v1/campaign-templates' })).statusCode).toBe(403);
      expect((await s.request({ method: 'GET', url: '/api/v1/campaigns' })).statusCode).toBe(403);
      expect((await s.request({ method: 'POST', url: '/api/v1/campaign-templates/render', payload: { templateId: template.id, customerId: wang } })).statusCode).toBe(403);
    }
  });
});

describe('campaign lifecycle', () => {
  let c: Campaign;
  it('creates a draft, checks the kind against the channel', async () => {
    const wrong = await manager.request({ method: 'POST', url: '/api/v1/campaigns', payload: { name: 'x', channel: 'call', templateId: template.id, schedule: { kind: 'birthday' } } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().fieldErrors[0].path).toBe('channel');
    const smsMismatch = await manager.request({ method: 'POST', url: '/api/v1/campaigns', payload: { name: 'x', channel: 'sms', templateId: template.id, schedule: { kind: 'birthday' } } });
    expect(smsMismatch.json().fieldErrors[0].path).toBe('templateId');
    const res = await manager.request({ method: 'POST', url: '/api/v1/campaigns', payload: { name: '春节问候', channel: 'email', templateId: template.id, schedule: { kind: 'holiday', holiday: '春节', daysBefore: 2 } } });
    expect(res.statusCode).toBe(201);
    c = res.json();
    expect(c).toMatchObject({ status: 'draft', kind: 'holiday', schedule: { calendar: 'cn-standard', holiday: '春节', daysBefore: 2 } });
    const f = (await manager.request({ method: 'POST', url: '/api/v1/campaigns', payload: { name: '回访', channel: 'email', schedule: { kind: 'followup_purchase', script: { 'zh-CN': '您好', en: 'Hello' } } } })).json();
    expect(f).toMatchObject({ channel: 'call', templateId: null, schedule: { daysAfter: 3 } });
  });

  it('starts, refuses edits while running, pauses; stale versions are 409', async () => {
    const started = await manager.request({ method: 'POST', url: `/api/v1/campaigns/${c.id}/start`, payload: { version: c.version } });
    expect(started.json()).toMatchObject({ status: 'active', version: c.version + 1 });
    expect((await manager.request({ method: 'PATCH', url: `/api/v1/campaigns/${c.id}`, headers: en, payload: { version: c.version + 1, name: 'x' } })).json()).toMatchObject({ code: 'campaign_not_editable', message: 'Pause the campaign before changing it.' });
    expect((await manager.request({ method: 'POST', url: `/api/v1/campaigns/${c.id}/pause`, payload: { version: c.version } })).statusCode).toBe(409);
    const paused = (await manager.request({ method: 'POST', url: `/api/v1/campaigns/${c.id}/pause`, payload: { version: c.version + 1 } })).json();
    expect(paused.status).toBe('paused');
    const edited = await manager.request({ method: 'PATCH', url: `/api/v1/campaigns/${c.id}`, payload: { version: paused.version, schedule: { kind: 'holiday', holiday: '中秋', daysBefore: 0 } } });
    expect(edited.json()).toMatchObject({ schedule: { holiday: '中秋' } });
    const schedules = await rows<{ key: string; time_zone: string }>(t.database.db, sql`select key, time_zone from job_schedules where tenant_id = ${tenant.id}`);
    expect(schedules).toContainEqual({ key: 'campaigns.daily', time_zone: 'Asia/Shanghai' });
    expect((await other.request({ method: 'POST', url: `/api/v1/campaigns/${c.id}/start`, payload: { version: 1 } })).statusCode).toBe(404);
  });

  it('lists holidays of the calendar and counts the audience', async () => {
    const hol = (await manager.request({ method: 'GET', url: '/api/v1/campaigns/holidays' })).json();
    expect(hol).toContainEqual({ name: '春节 Spring Festival', firstDate: '2026-02-15', lastDate: '2026-02-23' });
    expect((await manager.request({ method: 'GET', url: '/api/v1/campaigns/audience-count' })).json()).toEqual({ count: 2 });
    expect((await other.request({ method: 'GET', url: '/api/v1/campaigns/audience-count' })).json()).toEqual({ count: 0 });
    const report = (await manager.request({ method: 'GET', url: `/api/v1/campaigns/${c.id}/report` })).json();
    expect(report).toMatchObject({ total: 0, openRate: null });
  });

  it('keeps campaign settings per tenant', async () => {
    const s = (await manager.request({ method: 'GET', url: '/api/v1/campaign-settings' })).json();
    expect(s).toMatchObject({ capMessages: 4, capWindowDays: 30, smsSecretSet: false });
    // a gateway in a private network is refused unless the installation allows private targets
    const priv = await manager.request({ method: 'PUT', url: '/api/v1/campaign-settings', payload: { version: s.version, smsGatewayUrl: 'http://169.254.169.254/sms' } });
    expect(priv.statusCode).toBe(422);
    expect(priv.json().fieldErrors[0]).toMatchObject({ path: 'smsGatewayUrl', code: 'errors.private_target' });
    process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
    let u;
    try {
      u = await manager.request({ method: 'PUT', url: '/api/v1/campaign-settings', payload: { version: s.version, capMessages: 2, smsGatewayUrl: 'http://127.0.0.1:9/sms', smsSecret: 'secret-123456' } });
    } finally {
      delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
    }
    expect(u.json()).toMatchObject({ capMessages: 2, smsSecretSet: true });
    expect(JSON.stringify(u.json())).not.toContain('secret-123456');
    // the gateway secret is stored encrypted, like IMAP passwords and webhook secrets
    const [stored] = await rows<{ sms_secret: string }>(t.database.db, sql`select sms_secret from campaign_settings where tenant_id = ${tenant.id}`);
    expect(stored.sms_secret).toMatch(/^v1:/);
    expect(stored.sms_secret).not.toContain('secret-123456');
    expect((await other.request({ method: 'GET', url: '/api/v1/campaign-settings' })).json().capMessages).toBe(4);
  });
});

describe('audience from a segment', () => {
  it('counts and fans out only to the segment members', async () => {
    await t.database.db.execute(sql`update customers set tags = array[${'春节礼包'}]::text[] where tenant_id = ${tenant.id} and id = ${smith}`);
    const [seg] = await rows<{ id: string }>(
      t.database.db,
      sql`insert into customer_segments (tenant_id, name, filter, shared) values (${tenant.id}, '礼包客户', ${JSON.stringify({ tags: ['春节礼包'] })}::jsonb, true) returning id`,
    );
    expect((await manager.request({ method: 'GET', url: `/api/v1/campaigns/audience-count?segmentId=${seg.id}` })).json()).toEqual({ count: 1 });
    expect((await other.request({ method: 'GET', url: `/api/v1/campaigns/audience-count?segmentId=${seg.id}` })).statusCode).toBe(404);
    const c = (await manager.request({ method: 'POST', url: '/api/v1/campaigns', payload: { name: '礼包', channel: 'email', templateId: template.id, segmentId: seg.id, schedule: { kind: 'promotion', sendAt: '2030-01-01T00:00:00Z' } } })).json();
    await manager.request({ method: 'POST', url: `/api/v1/campaigns/${c.id}/start`, payload: { version: c.version } });
    const [job] = await rows<{ run_at: Date | string }>(t.database.db, sql`select run_at from jobs where tenant_id = ${tenant.id} and name = 'campaigns.fanout'`);
    expect(new Date(job.run_at).toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(await runFanout(t.database.db, tenant.id, { campaignId: c.id })).toBe(1);
    expect((await messagesOf(t.database, tenant.id, c.id)).map((m) => [m.customerId, m.occasionKey, m.status])).toEqual([[smith, 'promotion', 'queued']]);
    expect(await runFanout(t.database.db, tenant.id, { campaignId: c.id })).toBe(0);
  });
});

describe('maintenance reminders', () => {
  it('reminds buyers of the category N months after the purchase (local date), once per order', async () => {
    const [cat] = await rows<{ id: string }>(t.database.db, sql`insert into product_categories (tenant_id, code, name_zh, name_en) values (${tenant.id}, 'ac', '空调', 'Air conditioners') returning id`);
    const [tvCat] = await rows<{ id: string }>(t.database.db, sql`insert into product_categories (tenant_id, code, name_zh, name_en) values (${tenant.id}, 'tv', '电视', 'TVs') returning id`);
    const [ac] = await rows<{ id: string }>(t.database.db, sql`insert into products (tenant_id, sku, name, name_en, category_id) values (${tenant.id}, 'AC-1', '变频空调', 'Inverter AC', ${cat.id}) returning id`);
    const [tv] = await rows<{ id: string }>(t.database.db, sql`insert into products (tenant_id, sku, name, category_id) values (${tenant.id}, 'TV-1', '电视机', ${tvCat.id}) returning id`);
    // 2026-01-15 00:30 in Shanghai is still 14 January in UTC: the tenant's date counts
    const order = async (no: string, customer: string, product: string, at: string) => {
      const [o] = await rows<{ id: string }>(
        t.database.db,
        sql`insert into orders (tenant_id, number, customer_id, channel, subtotal_fen, total_fen, ordered_at) values (${tenant.id}, ${no}, ${customer}, 'online', 100, 100, ${at}::timestamptz) returning id`,
      );
      await t.database.db.execute(sql`insert into order_items (tenant_id, order_id, line_no, product_id, sku, name, quantity, unit_price_fen, total_fen) values (${tenant.id}, ${o.id}, 1, ${product}, 'X', 'X', 1, 100, 100)`);
      return o.id;
    };
    const due = await order('O-2026-000001', wang, ac.id, '2026-01-14T16:30:00Z');
    await order('O-2026-000002', smith, tv.id, '2026-01-14T16:30:00Z');
    await order('O-2026-000003', smith, ac.id, '2026-01-16T02:00:00Z');
    const c = (await manager.request({ method: 'POST', url: '/api/v1/campaigns', payload: { name: '空调保养', channel: 'email', templateId: template.id, schedule: { kind: 'maintenance', categoryId: cat.id, monthsAfter: 6 } } })).json();
    await manager.request({ method: 'POST', url: `/api/v1/campaigns/${c.id}/start`, payload: { version: c.version } });
    expect(await runFanout(t.database.db, tenant.id, { campaignId: c.id, date: '2026-07-15' })).toBe(1);
    const [m] = await messagesOf(t.database, tenant.id, c.id);
    expect(m).toMatchObject({ customerId: wang, occasionKey: `maintenance:${due}`, vars: { orderNumber: 'O-2026-000001', productName: '变频空调', productNameEn: 'Inverter AC' } });
    expect(await runFanout(t.database.db, tenant.id, { campaignId: c.id, date: '2026-07-15' })).toBe(0);
    expect(await runFanout(t.database.db, tenant.id, { campaignId: c.id, date: '2026-07-14' })).toBe(0);
  });
});
