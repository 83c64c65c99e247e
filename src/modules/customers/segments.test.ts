import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';
import { orderItems, orders } from '../orders/index.ts';
import { customerAddresses, customerConsents, customers } from './customers.schema.ts';
import { countSegment, isInSegment, segmentCustomerIds } from './segments.service.ts';
import type { SegmentFilterInput } from './segments.contract.ts';

let t: TestApp;
let tenant: TestTenant;
let sales: Session;
let colleague: Session;
let manager: Session;
let analyst: Session;
let outsider: Session;
const id: Record<string, string> = {};
const fridge = randomUUID();
const washer = randomUUID();

async function add(name: string, f: Partial<typeof customers.$inferInsert> = {}) {
  const [r] = await t.database.db.insert(customers).values({ tenantId: tenant.id, name, ...f }).returning({ id: customers.id });
  id[name] = r.id;
  return r.id;
}
async function bought(customerId: string, productId: string, opts: { status?: string; refundedQuantity?: number } = {}) {
  const [o] = await t.database.db
    .insert(orders)
    .values({ tenantId: tenant.id, customerId, number: `O-S-${randomBytes(4).toString('hex')}`, channel: 'offline_store', subtotalFen: 100, totalFen: 100, status: opts.status ?? 'placed', orderedAt: new Date() })
    .returning({ id: orders.id });
  await t.database.db.insert(orderItems).values({ tenantId: tenant.id, orderId: o.id, lineNo: 1, productId, sku: 'SKU', name: 'x', quantity: 1, unitPriceFen: 100, totalFen: 100, refundedQuantity: opts.refundedQuantity ?? 0 });
}
const names = async (filter: SegmentFilterInput) => {
  const ids = await segmentCustomerIds(tenant.ctx, filter, { limit: 100 });
  return Object.entries(id).filter(([, v]) => ids.includes(v)).map(([k]) => k).sort();
};

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { timeZone: 'Asia/Shanghai' });
  sales = await signIn(t.app, await createUser(t.database, tenant, ['sales']));
  colleague = await signIn(t.app, await createUser(t.database, tenant, ['sales']));
  manager = await signIn(t.app, await createUser(t.database, tenant, ['manager']));
  analyst = await signIn(t.app, await createUser(t.database, tenant, ['analyst']));
  outsider = await sessionWithRoles(t, ['admin']);
  const a = await add('安', { tier: 'vip', tags: ['空调', '老客户'], birthday: '1990-03-15', ownerId: sales.user.id, lastOrderAt: new Date('2026-01-10T02:00:00Z') });
  const b = await add('白', { tier: 'regular', tags: ['冰箱'], birthday: '1985-12-01', kind: 'company', lastOrderAt: new Date('2025-06-30T17:00:00Z') });
  const c = await add('陈', { tier: 'senior_vip', birthday: '2000-03-01', ownerId: colleague.user.id });
  await add('丁', { tier: 'regular' });
  const merged = await add('合并', { tier: 'vip', mergedIntoId: a });
  await t.database.db.insert(customerAddresses).values([
    { tenantId: tenant.id, customerId: a, province: '广东省', city: '深圳市', street: '深南大道 1 号' },
    { tenantId: tenant.id, customerId: b, province: '广东省', city: '广州市', street: '天河路 2 号' },
    { tenantId: tenant.id, customerId: c, province: '浙江省', city: '杭州市', street: '文三路 3 号' },
  ]);
  await t.database.db.insert(customerConsents).values([
    { tenantId: tenant.id, customerId: a, channel: 'sms', granted: true, source: 'form' },
    { tenantId: tenant.id, customerId: a, channel: 'email', granted: true, source: 'form' },
    { tenantId: tenant.id, customerId: b, channel: 'sms', granted: false, source: 'unsubscribe_link' },
    { tenantId: tenant.id, customerId: c, channel: 'sms', granted: true, source: 'agent' },
  ]);
  await bought(a, fridge);
  await bought(b, fridge, { refundedQuantity: 1 });
  await bought(c, washer, { status: 'cancelled' });
  await bought(merged, washer);
}, 180_000);
afterAll(async () => {
  await t.close();
});

describe('segment filters', () => {
  it.each<[string, SegmentFilterInput, string[]]>([
    ['everyone (merged customers never match)', {}, ['丁', '安', '白', '陈']],
    ['tiers', { tiers: ['vip', 'senior_vip'] }, ['安', '陈']],
    ['any of the tags', { tags: ['冰箱', '空调'] }, ['安', '白']],
    ['province', { provinces: ['广东省'] }, ['安', '白']],
    ['province and city', { provinces: ['广东省'], cities: ['深圳市'] }, ['安']],
    // 2025-07-01 00:00 in Shanghai is 2025-06-30 16:00 UTC: 白 bought at 17:00 UTC, i.e. on 1 July local time
    ['last purchase from a day (tenant time zone)', { lastPurchaseFrom: '2025-07-01' }, ['安', '白']],
    ['last purchase before a day', { lastPurchaseBefore: '2025-07-02' }, ['白']],
    ['never purchased', { neverPurchased: true }, ['丁', '陈']],
    ['product owned: refunded lines and cancelled orders do not count', { productIds: [fridge, washer] }, ['安']],
    ['birthday month', { birthdayMonths: [3] }, ['安', '陈']],
    ['consent on every listed channel', { consents: ['sms'] }, ['安', '陈']],
    ['consent on two channels', { consents: ['sms', 'email'] }, ['安']],
    ['kind', { kinds: ['company'] }, ['白']],
    ['criteria combine with AND', { tiers: ['vip', 'senior_vip'], birthdayMonths: [3], provinces: ['浙江省'] }, ['陈']],
  ])('%s', async (_name, filter, expected) => {
    expect(await names(filter)).toEqual(expected);
    expect(await countSegment(tenant.ctx, filter)).toBe(expected.length);
    // the single-customer check (event-driven campaigns) agrees with the walk, merged customer included
    for (const [name, customerId] of Object.entries(id)) expect(await isInSegment(tenant.ctx, filter, customerId), name).toBe(expected.includes(name));
  });

  it('owner', async () => {
    expect(await names({ ownerIds: [sales.user.id] })).toEqual(['安']);
  });

  it('live count endpoint for an unsaved filter; invalid filters are 400', async () => {
    const res = await sales.request({ method: 'POST', url: '/api/v1/segments/count', payload: { filter: { tiers: ['vip'] } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ count: 1 });
    expect((await sales.request({ method: 'POST', url: '/api/v1/segments/count', payload: { filter: { birthdayMonths: [13] } } })).statusCode).toBe(400);
    const theirs = await outsider.request({ method: 'POST', url: '/api/v1/segments/count', payload: { filter: {} } });
    expect(theirs.json()).toEqual({ count: 0 });
  });

  it('keyset pagination walks every id once, in id order', async () => {
    const all: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await segmentCustomerIds(tenant.ctx, {}, { afterId: after, limit: 3 });
      all.push(...page);
      if (page.length < 3) break;
      after = page[page.length - 1];
    }
    expect(all).toHaveLength(4);
    expect([...all].sort()).toEqual(all);
    const res = await sales.request({ method: 'POST', url: '/api/v1/segments/members?limit=3', payload: { filter: {} } });
    const first = res.json();
    expect(first.items).toHaveLength(3);
    const rest = (await sales.request({ method: 'POST', url: `/api/v1/segments/members?limit=3&afterId=${first.nextAfterId}`, payload: { filter: {} } })).json();
    expect(rest.nextAfterId).toBeNull();
    expect([...first.items, ...rest.items].map((x: { id: string }) => x.id)).toEqual(all);
  });
});

describe('saved segments', () => {
  it('personal or shared; only the owner or a manager changes them; versions', async () => {
    const mine = await sales.request({ method: 'POST', url: '/api/v1/segments', payload: { name: '三月生日贵宾', filter: { tiers: ['vip', 'senior_vip'], birthdayMonths: [3] } } });
    expect(mine.statusCode, mine.body).toBe(201);
    const s = mine.json();
    expect(s).toMatchObject({ shared: false, ownerId: sales.user.id, filter: { tiers: ['vip', 'senior_vip'], birthdayMonths: [3], tags: [] } });
    expect((await colleague.request({ method: 'GET', url: `/api/v1/segments/${s.id}` })).statusCode).toBe(404);
    expect((await colleague.request({ method: 'GET', url: '/api/v1/segments' })).json().map((x: { id: string }) => x.id)).not.toContain(s.id);
    expect((await sales.request({ method: 'GET', url: `/api/v1/segments/${s.id}/count` })).json()).toEqual({ count: 2 });
    const shared = await sales.request({ method: 'PATCH', url: `/api/v1/segments/${s.id}`, payload: { version: 1, shared: true } });
    expect(shared.json()).toMatchObject({ shared: true, version: 2 });
    expect((await colleague.request({ method: 'GET', url: `/api/v1/segments/${s.id}/count` })).json()).toEqual({ count: 2 });
    expect((await colleague.request({ method: 'PATCH', url: `/api/v1/segments/${s.id}`, payload: { version: 2, name: '改名' } })).statusCode).toBe(403);
    expect((await manager.request({ method: 'PATCH', url: `/api/v1/segments/${s.id}`, payload: { version: 1, name: '改名' } })).statusCode).toBe(409);
    const renamed = await manager.request({ method: 'PATCH', url: `/api/v1/segments/${s.id}`, payload: { version: 2, name: '三月生日' } });
    expect(renamed.statusCode).toBe(200);
    const page = (await colleague.request({ method: 'GET', url: `/api/v1/segments/${s.id}/customers?limit=1` })).json();
    expect(page.items).toHaveLength(1);
    expect(page.nextAfterId).toBe(page.items[0].id);
    expect((await analyst.request({ method: 'POST', url: '/api/v1/segments', payload: { name: 'x', filter: {} } })).statusCode).toBe(403);
    await expectOtherTenantsIdsToBe404(t.app, outsider, '/api/v1/segments/{id}', s.id, { 'PATCH /api/v1/segments/{id}': { body: { version: 3, name: 'x' } } });
    expect((await sales.request({ method: 'DELETE', url: `/api/v1/segments/${s.id}?version=3` })).statusCode).toBe(204);
  });

  it('exports the customers of a segment as CSV in the user’s language', async () => {
    const s = (await sales.request({ method: 'POST', url: '/api/v1/segments', payload: { name: '广东客户', shared: true, filter: { provinces: ['广东省'] } } })).json();
    const res = await sales.request({ method: 'GET', url: `/api/v1/segments/${s.id}/export?format=csv` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toContain('姓名');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(['安', '白']);
    expect(lines.find((l) => l.startsWith('安'))).toContain('深圳市');
    const xlsx = await sales.request({ method: 'GET', url: `/api/v1/segments/${s.id}/export?format=xlsx` });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});
