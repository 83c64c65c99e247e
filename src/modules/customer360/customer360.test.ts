import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';

let t: TestApp;
let sales: Session;
let manager: Session;
let agent: Session;
let analyst: Session;
let productId: string;
beforeAll(async () => {
  t = await createTestApp();
  const tenant = await createTenant(t.database);
  sales = await signIn(t.app, await createUser(t.database, tenant, ['sales']));
  manager = await signIn(t.app, await createUser(t.database, tenant, ['manager']));
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  analyst = await signIn(t.app, await createUser(t.database, tenant, ['analyst']));
  const p = await manager.request({ method: 'POST', url: '/api/v1/catalog/products', payload: { sku: 'FRIDGE-1', name: '冰箱 BCD-520', priceFen: 399_900, costFen: 300_000 } });
  expect(p.statusCode).toBe(201);
  productId = p.json().id;
});
afterAll(() => t.close());

async function customer(body: object): Promise<{ id: string; version: number }> {
  const res = await sales.request({ method: 'POST', url: '/api/v1/customers', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
async function order(customerId: string, orderedAt: string) {
  const res = await sales.request({ method: 'POST', url: '/api/v1/orders', payload: { customerId, channel: 'online', orderedAt, items: [{ productId, quantity: 1 }] } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
async function ticket(customerId: string, type = 'repair') {
  const res = await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: `${type} 冰箱`, type, customerId } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const get360 = (s: Session, id: string) => s.request({ method: 'GET', url: `/api/v1/customers/${id}/360` });

describe('customer 360', () => {
  it('shows profile, addresses, consents, tier, purchases with CLV, tickets with complaints, notes and one timeline', async () => {
    const c = await customer({
      name: '陈静',
      phones: ['13800138111'],
      addresses: [{ province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 100 号' }],
      consents: [{ channel: 'email', granted: true, source: 'form' }],
      note: '偏好上午联系',
    });
    await order(c.id, '2025-03-01');
    await order(c.id, '2026-03-01');
    await ticket(c.id, 'complaint');
    await ticket(c.id, 'repair');
    const res = await get360(sales, c.id);
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    expect(v.redirectedFrom).toBeNull();
    expect(v.customer).toMatchObject({ id: c.id, name: '陈静', ordersCount: 2, revenueFen: 799_800, clvFen: 199_800 });
    expect(v.addresses[0]).toMatchObject({ city: '杭州市', isDefault: true });
    expect(v.consents).toMatchObject([{ channel: 'email', granted: true }]);
    expect(v.purchases.orders).toHaveLength(2);
    expect(v.purchases.clv.historicalFen).toBe(199_800);
    expect(v.purchases.clv.predictedFen).toBeGreaterThan(0);
    expect(v.tickets).toMatchObject({ total: 2, open: 2, complaints: 1 });
    expect(v.service?.tier).toBe(v.customer.tier);
    expect(v.notes[0].body).toBe('偏好上午联系');
    const kinds = new Set(v.timeline.map((i: { kind: string }) => i.kind));
    for (const k of ['order', 'ticket', 'complaint', 'note', 'change']) expect(kinds).toContain(k);
    const times = v.timeline.map((i: { at: string }) => i.at);
    expect([...times].sort().reverse()).toEqual(times);
    // an analyst reads it all (read-only role)
    expect((await get360(analyst, c.id)).statusCode).toBe(200);
  });
});

describe('merge', () => {
  it('moves identities, addresses, consents, notes, tags, orders and tickets to the survivor in one go; the old id resolves', async () => {
    const keep = await customer({ name: '刘洋', phones: ['13900139111'], tags: ['老客户'], addresses: [{ province: '上海市', city: '上海市', street: '南京西路 1 号' }], consents: [{ channel: 'sms', granted: true, source: 'form' }], note: 'A 的备注' });
    const away = await customer({ name: '刘洋（重复）', phones: ['13900139222'], emails: ['liuyang@example.cn'], externalIds: ['shop:member-42'], tags: ['网店'], birthday: '1990-05-20', addresses: [{ province: '江苏省', city: '苏州市', street: '人民路 2 号' }], note: 'B 的备注' });
    // the merged customer withdrew SMS consent later than the survivor granted it: the withdrawal must win
    await sales.request({ method: 'PUT', url: `/api/v1/customers/${away.id}/consents`, payload: { channel: 'sms', granted: false, source: 'unsubscribe_link' } });
    await order(keep.id, '2025-06-01');
    await order(away.id, '2025-09-01');
    await order(away.id, '2026-01-15');
    const tk = await ticket(away.id);
    const awayNow = (await sales.request({ method: 'GET', url: `/api/v1/customers/${away.id}` })).json();

    expect((await agent.request({ method: 'POST', url: `/api/v1/customers/${keep.id}/merge`, payload: { mergeId: away.id, version: 1 } })).statusCode).toBe(403);
    expect((await manager.request({ method: 'POST', url: `/api/v1/customers/${keep.id}/merge`, payload: { mergeId: away.id, version: 99 } })).statusCode).toBe(409);
    expect((await manager.request({ method: 'POST', url: `/api/v1/customers/${keep.id}/merge`, payload: { mergeId: keep.id, version: 1 } })).statusCode).toBe(422);

    const keepNow = (await sales.request({ method: 'GET', url: `/api/v1/customers/${keep.id}` })).json();
    const res = await manager.request({ method: 'POST', url: `/api/v1/customers/${keep.id}/merge`, payload: { mergeId: away.id, version: keepNow.version, mergeVersion: awayNow.version } });
    expect(res.statusCode, res.body).toBe(200);
    const { customer: merged, moved } = res.json();
    expect(moved).toMatchObject({ identities: 3, addresses: 1, notes: 1, orders: 2, tickets: 1 });
    expect(merged.identities.map((i: { value: string }) => i.value).sort()).toEqual(['+8613900139111', '+8613900139222', 'liuyang@example.cn', 'shop:member-42']);
    expect(merged.tags.sort()).toEqual(['网店', '老客户'].sort());
    expect(merged.birthday).toBe('1990-05-20');
    expect(merged).toMatchObject({ ordersCount: 3, revenueFen: 3 * 399_900 });

    const v = (await get360(sales, keep.id)).json();
    expect(v.addresses).toHaveLength(2);
    expect(v.addresses.filter((a: { isDefault: boolean }) => a.isDefault).map((a: { city: string }) => a.city)).toEqual(['上海市']);
    expect(v.consents).toMatchObject([{ channel: 'sms', granted: false, source: 'unsubscribe_link' }]);
    expect(v.notes.map((n: { body: string }) => n.body).sort()).toEqual(['A 的备注', 'B 的备注']);
    expect(v.purchases.orders).toHaveLength(3);
    expect(v.tickets.items.map((x: { id: string }) => x.id)).toEqual([tk.id]);
    expect(v.mergedFrom).toEqual([{ id: away.id, name: '刘洋（重复）' }]);
    expect(v.timeline.some((i: { kind: string; action: string }) => i.kind === 'change' && i.action === 'merged')).toBe(true);

    // the old id keeps resolving: the record points at the survivor and its 360 is the survivor's
    const old = (await sales.request({ method: 'GET', url: `/api/v1/customers/${away.id}` })).json();
    expect(old.mergedIntoId).toBe(keep.id);
    const old360 = (await get360(sales, away.id)).json();
    expect(old360.customer.id).toBe(keep.id);
    expect(old360.redirectedFrom).toBe(away.id);
    expect((await agent.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json().customerId).toBe(keep.id);
    expect((await sales.request({ method: 'GET', url: '/api/v1/customers?q=13900139222' })).json().map((c: { id: string }) => c.id)).toEqual([keep.id]);
    const list = (await sales.request({ method: 'GET', url: `/api/v1/customers/list?q=${encodeURIComponent('刘洋')}` })).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([keep.id]);
    // a merged customer is not edited any more, and cannot be merged again
    expect((await sales.request({ method: 'PATCH', url: `/api/v1/customers/${away.id}`, payload: { version: old.version, name: 'x' } })).statusCode).toBe(409);
    const again = await customer({ name: '第三人' });
    expect((await manager.request({ method: 'POST', url: `/api/v1/customers/${again.id}/merge`, payload: { mergeId: away.id, version: 1 } })).statusCode).toBe(409);

    // history: an audit row on each side and one event
    const audit = await rows<{ entity_id: string; action: string }>(t.database.db, sql`select entity_id, action from audit_log where entity_type = 'customer' and action in ('merged', 'merged_into') order by id`);
    expect(audit).toEqual([
      { entity_id: away.id, action: 'merged_into' },
      { entity_id: keep.id, action: 'merged' },
    ]);
    const events = await rows<{ payload: { mergedId: string } }>(t.database.db, sql`select payload from outbox_events where type = 'customer.merged' and entity_id = ${keep.id}`);
    expect(events.map((e) => e.payload.mergedId)).toEqual([away.id]);
  });

  it('deletes a customer entered by mistake, but keeps one with tickets (merge instead)', async () => {
    const typo = await customer({ name: '错录客户', phones: ['13700137999'] });
    const used = await customer({ name: '有工单客户' });
    await ticket(used.id);
    expect((await analyst.request({ method: 'DELETE', url: `/api/v1/customers/${typo.id}?version=1` })).statusCode).toBe(403);
    expect((await sales.request({ method: 'DELETE', url: `/api/v1/customers/${used.id}?version=1` })).statusCode).toBe(409);
    expect((await sales.request({ method: 'DELETE', url: `/api/v1/customers/${typo.id}?version=1` })).statusCode).toBe(204);
    expect((await sales.request({ method: 'GET', url: `/api/v1/customers/${typo.id}` })).statusCode).toBe(404);
    // its phone is free again
    expect((await sales.request({ method: 'POST', url: '/api/v1/customers', payload: { name: '新客户', phones: ['13700137999'] } })).statusCode).toBe(201);
  });
});
