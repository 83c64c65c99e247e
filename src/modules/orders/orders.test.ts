import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';
import { customers } from '../customers/index.ts';
import { createProduct } from '../catalog/index.ts';
import { listCustomerOrders, reassignCustomer, seedCatalogAndOrders } from './index.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';

let t: TestApp;
let tenant: TestTenant;
let admin: Session; // English
let sales: Session; // Chinese
let agent: Session;
let intruder: Session;
let alice: string;
let bob: string;
let ac: string; // serial-tracked, price 3000.00, cost 2000.00
let remote: string; // price 500.00, cost unknown

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

async function newCustomer(name: string): Promise<string> {
  const [c] = await t.database.db.insert(customers).values({ tenantId: tenant.id, name }).returning({ id: customers.id });
  return c.id;
}
async function aggregates(id: string) {
  const [c] = await t.database.db
    .select({ n: customers.ordersCount, rev: customers.revenueFen, clv: customers.clvFen, first: customers.firstOrderAt, last: customers.lastOrderAt })
    .from(customers)
    .where(and(eq(customers.tenantId, tenant.id), eq(customers.id, id)));
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin'], { locale: 'en' }));
  sales = await signIn(t.app, await createUser(t.database, tenant, ['sales'], { locale: 'zh-CN' }));
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  intruder = await sessionWithRoles(t, ['admin']);
  alice = await newCustomer('王小明');
  bob = await newCustomer('李华');
  ac = (await createProduct(tenant.ctx, { sku: 'AC-1', name: '空调', model: 'KFR-35', serialTracked: true, priceFen: 300000, costFen: 200000 })).id;
  remote = (await createProduct(tenant.ctx, { sku: 'RC-1', name: '遥控器', priceFen: 50000 })).id;
}, 180_000); // a fresh migrated database is slow on a busy 2-core machine
afterAll(() => t.close());

const createOrder = (s: Session, body: object, headers: Record<string, string> = {}) => s.request({ method: 'POST', url: '/api/v1/orders', payload: body, headers });

describe('orders', () => {
  let first: { id: string; number: string; version: number };

  it('sales records an order; totals are computed on the server; numbers are per tenant', async () => {
    const res = await createOrder(sales, {
      customerId: alice,
      channel: 'online',
      store: '天猫旗舰店',
      orderedAt: daysAgo(30),
      deliveredAt: daysAgo(28),
      items: [
        { productId: ac, quantity: 2, discountFen: 10000, serialNumbers: ['SN-1', 'SN-2'] },
        { productId: remote, quantity: 1 },
      ],
    });
    expect(res.statusCode).toBe(201);
    const o = res.json();
    first = o;
    expect(o).toMatchObject({ status: 'placed', subtotalFen: 650000, discountFen: 10000, totalFen: 640000, costFen: null, refundedFen: 0, netFen: 640000, source: 'manual', customerName: '王小明' });
    expect(o.items[0]).toMatchObject({ lineNo: 1, sku: 'AC-1', model: 'KFR-35', quantity: 2, unitPriceFen: 300000, totalFen: 590000, unitCostFen: 200000, serialNumbers: ['SN-1', 'SN-2'] });
    expect(o.number).toMatch(/^O-\d{4}-\d{6}$/);
    const next = (await createOrder(sales, { customerId: bob, channel: 'distributor', orderedAt: '2025-06-01', items: [{ productId: remote, quantity: 1 }] })).json();
    expect(next.number).toMatch(/^O-2025-/);
    expect(Number(next.number.slice(-6))).toBe(Number(o.number.slice(-6)) + 1);
    // historical CLV: line 1 5900.00 − 4000.00 cost, line 2 cost unknown → its revenue 500.00
    expect(await aggregates(alice)).toMatchObject({ n: 1, rev: 640000, clv: 240000 });
    const events = await rows<{ type: string; customer: string }>(t.database.db, sql`select type, payload->>'customerId' as customer from outbox_events where entity_id = ${o.id}`);
    expect(events).toEqual([{ type: 'order.created', customer: alice }]);
  });

  it('reports bad lines as field errors in the caller language', async () => {
    const neg = await createOrder(admin, { customerId: alice, channel: 'online', orderedAt: '2026-01-02', items: [{ productId: ac, quantity: -1 }] });
    expect(neg.statusCode).toBe(400);
    expect(neg.json().fieldErrors[0]).toMatchObject({ path: 'items.0.quantity', code: 'validation.too_small' });
    const body = { customerId: alice, channel: 'online', orderedAt: '2026-01-02', items: [{ productId: remote, quantity: 1 }, { productId: '00000000-0000-4000-8000-000000000009', quantity: 1 }, { productId: remote, quantity: 2, discountFen: 100001 }] };
    const en = await createOrder(admin, body);
    expect(en.statusCode).toBe(422);
    expect(en.json().fieldErrors).toEqual([
      { path: 'items.1.productId', code: 'errors.unknown_product', message: 'Unknown product.' },
      { path: 'items.2.discountFen', code: 'errors.discount_exceeds_total', message: 'The discount cannot exceed the line total (¥1000.00).' },
    ]);
    const zh = await createOrder(sales, body);
    expect(zh.json().fieldErrors.map((f: { message: string }) => f.message)).toEqual(['未知产品。', '折扣不能超过该行金额（¥1000.00）。']);
    const dates = await createOrder(sales, { ...body, items: [{ productId: remote, quantity: 1 }], deliveredAt: '2026-01-01' });
    expect(dates.json().fieldErrors).toEqual([{ path: 'deliveredAt', code: 'errors.delivery_before_sale', message: '交付日期不能早于销售日期。' }]);
    const serials = await createOrder(admin, { ...body, items: [{ productId: ac, quantity: 2, serialNumbers: ['A'] }, { productId: remote, quantity: 1, serialNumbers: ['B'] }] });
    expect(serials.json().fieldErrors.map((f: { path: string; code: string }) => `${f.path} ${f.code}`)).toEqual(['items.0.serialNumbers errors.serial_count', 'items.1.serialNumbers errors.not_serial_tracked']);
    const channel = await createOrder(admin, { ...body, channel: 'online_shop' });
    expect(channel.statusCode).toBe(400);
    expect(channel.json().fieldErrors[0].path).toBe('channel');
    expect((await aggregates(alice)).n).toBe(1); // nothing half-written
  });

  it('agents may read orders but not create them; sales may', async () => {
    expect((await createOrder(agent, { customerId: alice, channel: 'online', orderedAt: '2026-01-02', items: [{ productId: remote, quantity: 1 }] })).statusCode).toBe(403);
    expect((await agent.request({ method: 'GET', url: '/api/v1/orders' })).statusCode).toBe(200);
    expect((await agent.request({ method: 'POST', url: `/api/v1/orders/${first.id}/refunds`, payload: { version: 1, reason: 'x' } })).statusCode).toBe(403);
  });

  it('is idempotent by Idempotency-Key and upserts by external id', async () => {
    const body = { customerId: bob, channel: 'offline_store', store: '徐汇店', orderedAt: daysAgo(5), externalId: 'shop:1001', items: [{ productId: remote, quantity: 1 }] };
    const a = await createOrder(sales, body, { 'idempotency-key': 'k-1' });
    const b = await createOrder(sales, body, { 'idempotency-key': 'k-1' });
    expect(a.statusCode).toBe(201);
    expect(b.json().id).toBe(a.json().id);
    const again = await createOrder(sales, body, { 'idempotency-key': 'k-2' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: a.json().id, version: 1 });
    const moved = await createOrder(sales, { ...body, store: '静安店' }, { 'idempotency-key': 'k-3' });
    expect(moved.json()).toMatchObject({ id: a.json().id, version: 2, store: '静安店', totalFen: 50000 });
    expect((await aggregates(bob)).n).toBe(2);
  });

  it('refunds a line pro rata, then the rest; history and customer aggregates follow', async () => {
    const r1 = await sales.request({ method: 'POST', url: `/api/v1/orders/${first.id}/refunds`, payload: { version: 1, lineNo: 1, quantity: 1, reason: '一台外观破损' } });
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toMatchObject({ status: 'partially_refunded', refundedFen: 295000, netFen: 345000, version: 2 });
    expect(r1.json().items[0]).toMatchObject({ refundedQuantity: 1, refundedFen: 295000 });
    // line 1 keeps 2950.00 revenue − 2000.00 cost, line 2 500.00
    expect(await aggregates(alice)).toMatchObject({ n: 1, rev: 345000, clv: 145000 });

    const stale = await sales.request({ method: 'POST', url: `/api/v1/orders/${first.id}/refunds`, payload: { version: 1, reason: 'x' } });
    expect(stale.statusCode).toBe(409);
    const tooMany = await admin.request({ method: 'POST', url: `/api/v1/orders/${first.id}/refunds`, payload: { version: 2, lineNo: 1, quantity: 2, reason: 'x' } });
    expect(tooMany.json().fieldErrors).toEqual([{ path: 'quantity', code: 'errors.refund_quantity_exceeds', message: 'Only 1 unit(s) of this line are left to refund.' }]);

    const rest = await sales.request({ method: 'POST', url: `/api/v1/orders/${first.id}/refunds`, payload: { version: 2, reason: '客户退货' } });
    expect(rest.json()).toMatchObject({ status: 'refunded', refundedFen: 640000, netFen: 0 });
    expect(rest.json().adjustments.map((a: { kind: string; lineNo: number | null; quantity: number | null; amountFen: number }) => [a.kind, a.lineNo, a.quantity, a.amountFen])).toEqual([
      ['refund', 1, 1, 295000],
      ['refund', null, null, 345000],
    ]);
    expect(await aggregates(alice)).toMatchObject({ n: 0, rev: 0, clv: 0, first: null, last: null });
    const cancel = await sales.request({ method: 'POST', url: `/api/v1/orders/${first.id}/cancel`, payload: { version: 3, reason: 'x' } });
    expect(cancel.statusCode).toBe(409);
    const events = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from outbox_events where entity_id = ${first.id} and type = 'order.adjusted'`);
    expect(events[0].n).toBe(2);
  });

  it('splits rounding so that refunding every unit returns exactly the line total; cancel voids an order', async () => {
    const o = (await createOrder(sales, { customerId: alice, channel: 'online', orderedAt: daysAgo(10), items: [{ productId: ac, quantity: 3, unitPriceFen: 100001, discountFen: 1 }] })).json();
    expect(o.totalFen).toBe(300002);
    const amounts: number[] = [];
    for (let v = 1; v <= 3; v++) {
      const r = (await sales.request({ method: 'POST', url: `/api/v1/orders/${o.id}/refunds`, payload: { version: v, lineNo: 1, quantity: 1, reason: '退货' } })).json();
      amounts.push(r.adjustments.at(-1).amountFen);
    }
    expect(amounts).toEqual([100000, 100001, 100001]);
    const c = (await createOrder(sales, { customerId: alice, channel: 'online', orderedAt: daysAgo(3), items: [{ productId: remote, quantity: 2 }] })).json();
    const cancelled = await sales.request({ method: 'POST', url: `/api/v1/orders/${c.id}/cancel`, payload: { version: 1, reason: '客户取消' } });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', refundedFen: 100000, netFen: 0 });
    expect(cancelled.json().items[0].refundedQuantity).toBe(2);
    expect((await sales.request({ method: 'POST', url: `/api/v1/orders/${c.id}/cancel`, payload: { version: 2, reason: 'x' } })).json().code).toBe('order_invalid_transition');
    expect(await aggregates(alice)).toMatchObject({ n: 0, rev: 0, clv: 0 });
  });

  it('lists with filters and exports the filtered rows', async () => {
    const get = async (qs: string) => (await agent.request({ method: 'GET', url: `/api/v1/orders?${qs}` })).json().items.map((o: { customerId: string; store: string | null }) => o);
    expect((await get(`customerId=${bob}`)).length).toBe(2);
    expect((await get('channel=offline_store')).map((o: { store: string }) => o.store)).toEqual(['静安店']);
    expect((await get('status=refunded')).length).toBe(2);
    expect((await get(`productId=${ac}&status=cancelled`)).length).toBe(0);
    expect((await get(`from=2025-05-31&to=2025-06-01`)).length).toBe(1);
    expect((await get(`store=${encodeURIComponent('静安店')}`)).length).toBe(1);
    const page1 = (await agent.request({ method: 'GET', url: '/api/v1/orders?limit=2' })).json();
    const page2 = (await agent.request({ method: 'GET', url: `/api/v1/orders?limit=2&cursor=${page1.nextCursor}` })).json();
    expect(new Set([...page1.items, ...page2.items].map((o: { id: string }) => o.id)).size).toBe(4);
    const csv = await agent.request({ method: 'GET', url: `/api/v1/orders/export?customerId=${bob}` });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.slice(1).trim().split('\n')).toHaveLength(3);
    expect(csv.body).toContain('RC-1×1');
  });

  it('keeps CLV settings per tenant and computes a customer CLV', async () => {
    const d = (await agent.request({ method: 'GET', url: '/api/v1/orders/clv-settings' })).json();
    expect(d).toMatchObject({ version: 0, expectedLifetimeYears: 3, marginRate: 0.25, currency: 'CNY' });
    expect((await sales.request({ method: 'PUT', url: '/api/v1/orders/clv-settings', payload: { version: 0, expectedLifetimeYears: 5, marginRate: 0.3 } })).statusCode).toBe(403);
    const saved = await admin.request({ method: 'PUT', url: '/api/v1/orders/clv-settings', payload: { version: 0, expectedLifetimeYears: 5, marginRate: 0.3 } });
    expect(saved.json()).toMatchObject({ version: 1, expectedLifetimeYears: 5, marginRate: 0.3 });
    expect((await admin.request({ method: 'PUT', url: '/api/v1/orders/clv-settings', payload: { version: 0, expectedLifetimeYears: 4, marginRate: 0.3 } })).statusCode).toBe(409);
    expect((await intruder.request({ method: 'GET', url: '/api/v1/orders/clv-settings' })).json().version).toBe(0);
    // bob: 500.00 in 2025-06 and 500.00 five days ago → 2 orders over ~1.5 years
    const clv = (await agent.request({ method: 'GET', url: `/api/v1/orders/clv/${bob}` })).json();
    expect(clv).toMatchObject({ ordersCount: 2, revenueFen: 100000, historicalFen: 100000, averageOrderFen: 50000 });
    const years = (Date.now() - new Date('2025-05-31T16:00:00Z').getTime()) / (365.25 * 86_400_000);
    expect(clv.predictedFen).toBe(Math.round(50000 * (2 / years) * 5 * 0.3));
  });

  it('moves orders on customer merge and lists a customer orders newest first', async () => {
    const before = await listCustomerOrders(tenant.ctx, bob, { limit: 10 });
    expect(before.map((o) => o.store)).toEqual(['静安店', null]);
    const carol = await newCustomer('Carol');
    const moved = await tenant.ctx.tx((tx) => reassignCustomer(tx, tenant.ctx, bob, carol));
    expect(moved).toBe(2);
    expect(await aggregates(bob)).toMatchObject({ n: 0, rev: 0 });
    expect(await aggregates(carol)).toMatchObject({ n: 2, rev: 100000 });
    expect((await listCustomerOrders(tenant.ctx, carol, { limit: 1 }))[0].items[0].sku).toBe('RC-1');
  });

  it("never shows one tenant's orders or customers to another", async () => {
    const n = await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/orders', first.id, {
      'POST /api/v1/orders/{id}/cancel': { body: { version: 1, reason: 'x' } },
      'POST /api/v1/orders/{id}/refunds': { body: { version: 1, reason: 'x' } },
    });
    expect(n).toBeGreaterThanOrEqual(4);
    expect((await intruder.request({ method: 'GET', url: `/api/v1/orders/clv/${alice}` })).statusCode).toBe(404);
    expect((await intruder.request({ method: 'GET', url: '/api/v1/orders' })).json().items).toHaveLength(0);
    const foreign = await createOrder(intruder, { customerId: alice, channel: 'online', orderedAt: '2026-01-02', items: [{ productId: ac, quantity: 1 }] });
    expect(foreign.json().fieldErrors.map((f: { path: string }) => f.path)).toEqual(['customerId', 'items.0.productId']);
  });

  it('seeds a demo catalogue and orders (customers of its own when the tenant has none)', async () => {
    const demo = await createTenant(t.database);
    await demo.ctx.tx((tx) => seedCatalogAndOrders(joinTx(demo.ctx, tx)));
    const [c] = await rows<{ products: number; cats: number; orders: number; refunds: number; customers: number; revenue: number }>(
      t.database.db,
      sql`select (select count(*)::int from products where tenant_id = ${demo.id}) as products,
                 (select count(*)::int from product_categories where tenant_id = ${demo.id}) as cats,
                 (select count(*)::int from orders where tenant_id = ${demo.id}) as orders,
                 (select count(*)::int from order_adjustments where tenant_id = ${demo.id}) as refunds,
                 (select count(*)::int from customers where tenant_id = ${demo.id} and orders_count > 0) as customers,
                 (select sum(revenue_fen)::bigint from customers where tenant_id = ${demo.id}) as revenue`,
    );
    // 7 orders of the three ordinary customers, 5 + 2 + 2 of the big spenders (created bare here: no profiles)
    expect(c).toMatchObject({ products: 5, cats: 3, orders: 16, refunds: 2, customers: 6 });
    // 2×3299 + 2×49 + 2599 + 1899 + 7599 + 3299 + 3×49 − one refunded 3299
    const ordinary = 2 * 329900 + 2 * 4900 + 259900 + 189900 + 759900 + 329900 + 3 * 4900 - 329900;
    // 2×7599 + 3×3299 + 2599 + 1899 + 4×49 | 7599 + 1899 − 100 price protection | 2×3299 + 2599
    const big = 2 * 759900 + 3 * 329900 + 259900 + 189900 + 4 * 4900 + (759900 + 189900 - 10000) + (2 * 329900 + 259900);
    expect(Number(c.revenue)).toBe(ordinary + big);
  });

  it('counts concurrent orders of one customer correctly (the recount is serialised per customer)', async () => {
    const dave = await newCustomer('Dave');
    const body = { customerId: dave, channel: 'online', orderedAt: daysAgo(1), items: [{ productId: remote, quantity: 1 }] };
    const res = await Promise.all(Array.from({ length: 4 }, () => createOrder(sales, body)));
    expect(res.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(await aggregates(dave)).toMatchObject({ n: 4, rev: 200000, clv: 200000 });
  });
});

