import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { Customer360 } from './customer360.contract.ts';

/**
 * The 360 page is written with JSON.stringify (serialize.ts plainResponse), not through zod's encode: what
 * it sends must be exactly what zod would have sent (same keys, same order, nothing zod would strip), and
 * the tier and CLV settings it shows (tier definitions are cached per settings generation) must be the
 * current ones on the very next request.
 */
let t: TestApp;
let tenant: TestTenant;
let manager: Session;
let sales: Session;
let productId: string;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  manager = await signIn(t.app, await createUser(t.database, tenant, ['manager']));
  sales = await signIn(t.app, await createUser(t.database, tenant, ['sales']));
  const p = await manager.request({ method: 'POST', url: '/api/v1/catalog/products', payload: { sku: 'WASHER-1', name: '洗衣机 XQG100', priceFen: 299_900, costFen: 200_000 } });
  expect(p.statusCode, p.body).toBe(201);
  productId = p.json().id;
});
afterAll(() => t.close());

async function post(s: Session, url: string, payload: object, status = 201) {
  const res = await s.request({ method: 'POST', url, payload });
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}
const customer = (body: object): Promise<{ id: string; version: number }> => post(sales, '/api/v1/customers', body);
const get360 = (s: Session, id: string) => s.request({ method: 'GET', url: `/api/v1/customers/${id}/360` });

/** The sent body must be byte for byte zod's encoding of itself: any extra key or other key order fails. */
function expectZodEncoding(body: string) {
  expect(body).toBe(JSON.stringify(Customer360.encode(JSON.parse(body))));
}

describe('customer 360 page', () => {
  it('sends exactly what the contract encodes, for a customer with every section filled', async () => {
    const group = await customer({ name: '华东集团', kind: 'company' });
    const c = await customer({
      name: '陈经理',
      companyId: group.id,
      phones: ['13800138222'],
      emails: ['buy@hzdq.example.cn'],
      tags: ['大客户'],
      preferences: { contactTime: 'morning', floors: 3 },
      addresses: [
        { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 100 号', label: '总部' },
        { province: '江苏省', city: '苏州市', street: '人民路 2 号' },
      ],
      consents: [
        { channel: 'email', granted: true, source: 'form' },
        { channel: 'sms', granted: false, source: 'agent' },
      ],
      note: '偏好上午联系',
    });
    await customer({ name: '采购 王先生', companyId: group.id, phones: ['13800138223'] });
    await customer({ name: '财务 李女士', companyId: group.id });
    const dup = await customer({ name: '陈经理（重复）', phones: ['13800138224'] });
    const now = (await sales.request({ method: 'GET', url: `/api/v1/customers/${c.id}` })).json();
    const owner = manager.user.id;
    const patched = await sales.request({ method: 'PATCH', url: `/api/v1/customers/${c.id}`, payload: { version: now.version, ownerId: owner, dedicatedAgentId: owner } });
    expect(patched.statusCode, patched.body).toBe(200);
    await post(manager, `/api/v1/customers/${c.id}/merge`, { mergeId: dup.id, version: patched.json().version }, 200);
    const orders = [];
    for (const day of ['2025-01-10', '2025-06-01', '2026-02-15']) {
      orders.push(await post(sales, '/api/v1/orders', { customerId: c.id, channel: 'online', orderedAt: day, items: [{ productId, quantity: 2, discountFen: 100 }], note: day === '2025-06-01' ? '加急' : undefined }));
    }
    const tk = await post(manager, '/api/v1/tickets', { subject: '洗衣机漏水', type: 'complaint', customerId: c.id });
    await post(manager, '/api/v1/tickets', { subject: '保养预约', type: 'maintenance', customerId: c.id });
    await post(manager, `/api/v1/customers/${c.id}/tier-override`, { tier: 'vip', reason: '战略客户' }, 200);
    await post(sales, `/api/v1/customers/${c.id}/notes`, { body: '第二条备注：' + '很长的备注'.repeat(40) });
    // a campaign message and a call task, as the campaign jobs would have written them
    const db = t.database.db;
    const [camp] = await rows<{ id: string }>(db, sql`insert into campaigns (tenant_id, name, kind, channel, status) values (${tenant.id}, '购后回访', 'followup_purchase', 'email', 'active') returning id`);
    await db.execute(sql`insert into campaign_messages (tenant_id, campaign_id, customer_id, occasion_key, channel, status, to_address, subject, body, html, vars, attempts, sent_at)
      values (${tenant.id}, ${camp.id}, ${c.id}, 'promotion', 'email', 'sent', 'buy@hzdq.example.cn', '春季促销', 'b', '<p>b</p>', '{"x":"1"}', 1, now())`);
    await db.execute(sql`insert into call_tasks (tenant_id, campaign_id, customer_id, occasion_key, source_type, source_id, due_at, script, status, outcome, completed_at)
      values (${tenant.id}, ${camp.id}, ${c.id}, ${`order:${orders[0].id}`}, 'order', ${orders[0].id}, now(), '请询问安装情况', 'done', 'satisfied', now())`);
    const res = await get360(sales, c.id);
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    // every section is filled, so the comparison covers every object the page builds
    expect(v.company).toMatchObject({ id: group.id, name: '华东集团' });
    expect(v.mergedFrom).toEqual([{ id: dup.id, name: '陈经理（重复）' }]);
    expect(v.owner).toEqual({ id: owner, name: expect.any(String) });
    expect(v.dedicatedAgent).toEqual(v.owner);
    expect(v.addresses).toHaveLength(2);
    expect(v.consents).toHaveLength(2);
    expect(v.notes).toHaveLength(2);
    expect(v.service).toMatchObject({ tier: 'vip', overridden: true, dedicatedAgent: true, dedicatedAgentId: owner });
    expect(v.service.benefits.length).toBeGreaterThan(0);
    expect(v.tierHistory.length).toBeGreaterThan(0);
    expect(v.purchases.orders).toHaveLength(3);
    expect(v.purchases.clv.settings.version).toBe(0);
    expect(v.tickets).toMatchObject({ total: 2, open: 2, complaints: 1 });
    expect(v.tickets.items.map((x: { id: string }) => x.id)).toContain(tk.id);
    expect(v.messages).toHaveLength(1);
    expect(v.callTasks).toHaveLength(1);
    const kinds = new Set(v.timeline.map((i: { kind: string }) => i.kind));
    for (const k of ['order', 'ticket', 'complaint', 'message', 'call_task', 'note', 'tier', 'change']) expect(kinds).toContain(k);
    expectZodEncoding(res.body);

    // the same through the old id of the merged customer, and for a reader who may see neither orders nor tickets
    const old = await get360(sales, dup.id);
    expect(old.json().redirectedFrom).toBe(dup.id);
    expectZodEncoding(old.body);
    // a company's page lists its contacts (a company belongs to no company, so this is another customer)
    const companyPage = await get360(sales, group.id);
    expect(companyPage.json().contacts.map((x: { name: string }) => x.name).sort()).toEqual(['财务 李女士', '采购 王先生', '陈经理'].sort());
    expectZodEncoding(companyPage.body);
    const bare = await customer({ name: '新客户' });
    expectZodEncoding((await get360(sales, bare.id)).body);
  });

  it('shows a tier or CLV settings change on the very next request', async () => {
    const c = await customer({ name: '周杰', phones: ['13800138333'] });
    await post(sales, '/api/v1/orders', { customerId: c.id, channel: 'offline_store', orderedAt: '2026-01-05', items: [{ productId, quantity: 1 }] });
    const before = (await get360(sales, c.id)).json();
    const tier = before.service.tier as string;
    expect(before.service.nameZh).not.toBe('改名后的等级');

    // through the API (this process)
    const cfg = (await manager.request({ method: 'GET', url: '/api/v1/tiers' })).json();
    const definitions = cfg.definitions.map(({ customers: _n, ...d }: { customers: number; code: string; benefits: unknown[] }) =>
      d.code === tier ? { ...d, nameZh: '改名后的等级', benefits: [{ zh: '新权益', en: 'New benefit' }] } : d,
    );
    const saved = await manager.request({ method: 'PATCH', url: '/api/v1/tiers', payload: { version: cfg.version, windowMonths: cfg.windowMonths, engagementSources: cfg.engagementSources, nightly: cfg.nightly, definitions } });
    expect(saved.statusCode, saved.body).toBe(200);
    const afterTiers = (await get360(sales, c.id)).json();
    expect(afterTiers.service.nameZh).toBe('改名后的等级');
    expect(afterTiers.service.benefits).toEqual([{ zh: '新权益', en: 'New benefit' }]);

    // written straight to the table, as another process or a script would: the settings generation tells
    await t.database.db.execute(sql`update tier_definitions set name_en = 'Renamed elsewhere' where tenant_id = ${tenant.id} and code = ${tier}`);
    expect((await get360(sales, c.id)).json().service.nameEn).toBe('Renamed elsewhere');

    const clv = await manager.request({ method: 'PUT', url: '/api/v1/orders/clv-settings', payload: { version: before.purchases.clv.settings.version, expectedLifetimeYears: 7.5, marginRate: 0.4 } });
    expect(clv.statusCode, clv.body).toBe(200);
    const afterClv = (await get360(sales, c.id)).json();
    expect(afterClv.purchases.clv.settings).toMatchObject({ expectedLifetimeYears: 7.5, marginRate: 0.4, version: 1 });
    expect(afterClv.purchases.clv.predictedFen).not.toBe(before.purchases.clv.predictedFen);
    await t.database.db.execute(sql`update clv_settings set margin_rate = 0.1 where tenant_id = ${tenant.id}`);
    expect((await get360(sales, c.id)).json().purchases.clv.settings.marginRate).toBe(0.1);
    // the CLV settings are cached per settings generation (migration 0024): a row deleted behind the
    // process's back is seen too, the page falls back to the defaults (version 0)
    await t.database.db.execute(sql`delete from clv_settings where tenant_id = ${tenant.id}`);
    const defaults = (await get360(sales, c.id)).json().purchases.clv;
    expect(defaults.settings.version).toBe(0);
    expect(defaults.settings).toEqual(before.purchases.clv.settings);
  });

  it("answers 404 for another tenant's customer and for unknown ids", async () => {
    const c = await customer({ name: '赵敏', phones: ['13800138444'] });
    expect((await get360(sales, c.id)).statusCode).toBe(200);
    const other = await createTenant(t.database);
    const outsider = await signIn(t.app, await createUser(t.database, other, ['manager']));
    const res = await get360(outsider, c.id);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('赵敏');
    expect((await get360(outsider, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
