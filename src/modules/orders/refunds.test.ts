import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { customers } from '../customers/index.ts';
import { createProduct } from '../catalog/index.ts';

let t: TestApp;
let tenant: TestTenant;
let admin: Session; // English
let sales: Session; // Chinese
let agent: Session;
let analyst: Session;
let intruder: Session;
let ac: string; // price 3000.00, cost 2000.00
let remote: string; // price 500.00, cost unknown

type Detail = { id: string; version: number; status: string; totalFen: number; refundedFen: number; netFen: number; items: { lineNo: number; refundedQuantity: number; refundedFen: number; totalFen: number }[]; adjustments: { kind: string; lineNo: number | null; quantity: number | null; amountFen: number }[] };

async function newCustomer(name: string): Promise<string> {
  const [c] = await t.database.db.insert(customers).values({ tenantId: tenant.id, name }).returning({ id: customers.id });
  return c.id;
}
async function aggregates(id: string) {
  const [c] = await t.database.db.select({ n: customers.ordersCount, rev: customers.revenueFen, clv: customers.clvFen }).from(customers).where(and(eq(customers.tenantId, tenant.id), eq(customers.id, id)));
  return c;
}
async function order(customerId: string, items: object[]): Promise<Detail> {
  const res = await sales.request({ method: 'POST', url: '/api/v1/orders', payload: { customerId, channel: 'online', orderedAt: new Date(Date.now() - 5 * 86_400_000).toISOString(), items } });
  expect(res.statusCode).toBe(201);
  return res.json();
}
const refund = (s: Session, id: string, payload: object) => s.request({ method: 'POST', url: `/api/v1/orders/${id}/refunds`, payload });

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin'], { locale: 'en' }));
  sales = await signIn(t.app, await createUser(t.database, tenant, ['sales'], { locale: 'zh-CN' }));
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  analyst = await signIn(t.app, await createUser(t.database, tenant, ['analyst']));
  intruder = await sessionWithRoles(t, ['admin']);
  ac = (await createProduct(tenant.ctx, { sku: 'AC-1', name: '空调', serialTracked: true, priceFen: 300000, costFen: 200000 })).id;
  remote = (await createProduct(tenant.ctx, { sku: 'RC-1', name: '遥控器', priceFen: 50000 })).id;
}, 180_000);
afterAll(() => t.close());

describe('refund by amount (price protection, goodwill)', () => {
  it('two amount refunds summing to the total refund the order; revenue and CLV drop by each amount; goods stay', async () => {
    const cust = await newCustomer('赵敏');
    const o = await order(cust, [{ productId: ac, quantity: 1 }]);
    // CLV 3000.00 − 2000.00 cost
    expect(await aggregates(cust)).toMatchObject({ n: 1, rev: 300000, clv: 100000 });

    const r1 = await refund(sales, o.id, { version: 1, amountFen: 20000, reason: '价保退差价' });
    expect(r1.statusCode).toBe(200);
    const d1: Detail = r1.json();
    expect(d1).toMatchObject({ status: 'partially_refunded', refundedFen: 20000, netFen: 280000, version: 2 });
    expect(d1.items[0]).toMatchObject({ refundedQuantity: 0, refundedFen: 20000 });
    expect(d1.adjustments).toEqual([expect.objectContaining({ kind: 'amount_refund', lineNo: null, quantity: null, amountFen: 20000 })]);
    expect(await aggregates(cust)).toMatchObject({ n: 1, rev: 280000, clv: 80000 });

    const r2 = await refund(sales, o.id, { version: 2, lineNo: 1, amountFen: 280000, reason: '补偿' });
    const d2: Detail = r2.json();
    expect(d2).toMatchObject({ status: 'refunded', refundedFen: 300000, netFen: 0 });
    expect(d2.items[0]).toMatchObject({ refundedQuantity: 0, refundedFen: 300000 });
    // the customer keeps the unit: its cost stays, so CLV is −2000.00; the order no longer counts
    expect(await aggregates(cust)).toMatchObject({ n: 0, rev: 0, clv: -200000 });

    const more = await refund(sales, o.id, { version: 3, amountFen: 1, reason: 'x' });
    expect(more.statusCode).toBe(409);
    expect(more.json().code).toBe('order_invalid_transition');

    const events = await rows<{ kind: string; amount: string }>(t.database.db, sql`select payload->>'kind' as kind, payload->>'amountFen' as amount from outbox_events where entity_id = ${o.id} and type = 'order.adjusted' order by id`);
    expect(events).toEqual([{ kind: 'amount_refund', amount: '20000' }, { kind: 'amount_refund', amount: '280000' }]);
    const audit = await rows<{ action: string; kind: string; amount: string }>(t.database.db, sql`select action, after->>'kind' as kind, after->>'amountFen' as amount from audit_log where entity_type = 'order' and entity_id = ${o.id} and action = 'refunded' order by id`);
    expect(audit).toEqual([{ action: 'refunded', kind: 'amount_refund', amount: '20000' }, { action: 'refunded', kind: 'amount_refund', amount: '280000' }]);
  });

  it('rejects more than is left as a field error in the caller language, counting every earlier adjustment', async () => {
    const cust = await newCustomer('孙丽');
    const o = await order(cust, [{ productId: ac, quantity: 2 }, { productId: remote, quantity: 1 }]);
    // one AC unit back (3000.00), then the order has 3500.00 left, line 1 3000.00, line 2 500.00
    await refund(sales, o.id, { version: 1, lineNo: 1, quantity: 1, reason: '退货' });
    const en = await refund(admin, o.id, { version: 2, amountFen: 350001, reason: 'goodwill' });
    expect(en.statusCode).toBe(422);
    expect(en.json().fieldErrors).toEqual([{ path: 'amountFen', code: 'errors.refund_amount_exceeds', message: 'At most ¥3500.00 is left to refund.' }]);
    const zh = await refund(sales, o.id, { version: 2, lineNo: 2, amountFen: 50001, reason: '补偿' });
    expect(zh.json().fieldErrors).toEqual([{ path: 'amountFen', code: 'errors.refund_amount_exceeds', message: '最多还可退款 ¥500.00。' }]);
    const both = await refund(admin, o.id, { version: 2, lineNo: 1, quantity: 1, amountFen: 100, reason: 'x' });
    expect(both.statusCode).toBe(400);
    expect(both.json().fieldErrors).toEqual([{ path: 'amountFen', code: 'errors.refund_amount_with_quantity', message: 'Refund either units or an amount, not both.' }]);
    for (const bad of [0, -5, 12.5, '100']) {
      const r = await refund(admin, o.id, { version: 2, amountFen: bad, reason: 'x' });
      expect(r.statusCode).toBe(400);
      expect(r.json().fieldErrors[0].path).toBe('amountFen');
    }
    const unknownLine = await refund(admin, o.id, { version: 2, lineNo: 9, amountFen: 100, reason: 'x' });
    expect(unknownLine.json().fieldErrors[0].path).toBe('lineNo');
    // nothing of the rejected attempts was written
    expect((await admin.request({ method: 'GET', url: `/api/v1/orders/${o.id}` })).json()).toMatchObject({ version: 2, refundedFen: 300000 });
  });

  it('spreads an order-level amount over the lines; later unit refunds give back their share of what is left', async () => {
    const cust = await newCustomer('钱伟');
    // line 1: 2 × 3000.00 = 6000.00, line 2: 500.00 → 6500.00
    const o = await order(cust, [{ productId: ac, quantity: 2 }, { productId: remote, quantity: 1 }]);
    const a = (await refund(sales, o.id, { version: 1, amountFen: 65000, reason: '整单补偿' })).json() as Detail;
    expect(a.items.map((i) => i.refundedFen)).toEqual([60000, 5000]);
    // line 1 has 5400.00 left for 2 units: one unit back returns 2700.00, not 3000.00
    const b = (await refund(sales, o.id, { version: 2, lineNo: 1, quantity: 1, reason: '退一台' })).json() as Detail;
    expect(b.adjustments.at(-1)).toMatchObject({ kind: 'refund', lineNo: 1, quantity: 1, amountFen: 270000 });
    expect(b).toMatchObject({ status: 'partially_refunded', refundedFen: 335000 });
    // the rest of the order: every unit and every fen left, exactly the total in the end
    const c = (await refund(sales, o.id, { version: 3, reason: '全部退货' })).json() as Detail;
    expect(c).toMatchObject({ status: 'refunded', refundedFen: 650000, netFen: 0 });
    expect(c.items.map((i) => [i.refundedQuantity, i.refundedFen])).toEqual([
      [2, 600000],
      [1, 50000],
    ]);
    expect(await aggregates(cust)).toMatchObject({ n: 0, rev: 0, clv: 0 });
  });

  it('refunds by amount only for roles that may write orders, and only in the own tenant', async () => {
    const cust = await newCustomer('李雷');
    const o = await order(cust, [{ productId: remote, quantity: 1 }]);
    for (const s of [agent, analyst]) expect((await refund(s, o.id, { version: 1, amountFen: 100, reason: 'x' })).statusCode).toBe(403);
    const foreign = await refund(intruder, o.id, { version: 1, amountFen: 100, reason: 'x' });
    expect(foreign.statusCode).toBe(404);
    expect(await aggregates(cust)).toMatchObject({ n: 1, rev: 50000 });
    expect((await sales.request({ method: 'GET', url: `/api/v1/orders/${o.id}` })).json()).toMatchObject({ version: 1, refundedFen: 0, status: 'placed' });
  });

  it('a cancelled order takes no amount refund', async () => {
    const o = await order(await newCustomer('韩梅梅'), [{ productId: remote, quantity: 1 }]);
    await sales.request({ method: 'POST', url: `/api/v1/orders/${o.id}/cancel`, payload: { version: 1, reason: '取消' } });
    const r = await refund(sales, o.id, { version: 2, amountFen: 100, reason: 'x' });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('order_invalid_transition');
  });
});
