import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { customers } from '../customers/index.ts';
import { createProduct } from '../catalog/index.ts';

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let admin: Session; // English
let sales: Session; // Chinese
let agent: Session;
let intruder: Session; // admin of the other tenant
let ac: string;
let washer: string;
let alice: string;
let bob: string;

async function newCustomer(tn: TestTenant, name: string): Promise<string> {
  const [c] = await t.database.db.insert(customers).values({ tenantId: tn.id, name }).returning({ id: customers.id });
  return c.id;
}
const create = (s: Session, customerId: string, items: object[]) => s.request({ method: 'POST', url: '/api/v1/orders', payload: { customerId, channel: 'offline_store', orderedAt: '2026-03-01', items } });
const list = async (s: Session, qs: string) => (await s.request({ method: 'GET', url: `/api/v1/orders?${qs}` })).json().items as { id: string; number: string; customerId: string; customerName: string }[];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  other = await createTenant(t.database);
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin'], { locale: 'en' }));
  sales = await signIn(t.app, await createUser(t.database, tenant, ['sales'], { locale: 'zh-CN' }));
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  intruder = await signIn(t.app, await createUser(t.database, other, ['admin']));
  ac = (await createProduct(tenant.ctx, { sku: 'AC-1', name: '空调', serialTracked: true, priceFen: 300000 })).id;
  washer = (await createProduct(tenant.ctx, { sku: 'WM-1', name: '洗衣机', serialTracked: true, priceFen: 200000 })).id;
  alice = await newCustomer(tenant, '王小明');
  bob = await newCustomer(tenant, '李华');
}, 180_000);
afterAll(() => t.close());

describe('serial numbers', () => {
  let first: { id: string; number: string };

  it('refuses a serial already sold on another active order line of the same product, in the caller language', async () => {
    const a = await create(sales, alice, [{ productId: ac, quantity: 2, serialNumbers: ['SN-A1', 'SN-A2'] }]);
    expect(a.statusCode).toBe(201);
    first = a.json();
    const en = await create(admin, bob, [{ productId: ac, quantity: 1, serialNumbers: ['SN-X'] }, { productId: ac, quantity: 1, serialNumbers: ['SN-A2'] }]);
    expect(en.statusCode).toBe(422);
    expect(en.json().fieldErrors).toEqual([{ path: 'items.1.serialNumbers', code: 'errors.serial_sold', message: `Serial number SN-A2 is already sold on order ${first.number}.` }]);
    const zh = await create(sales, bob, [{ productId: ac, quantity: 1, serialNumbers: ['SN-A1'] }]);
    expect(zh.json().fieldErrors[0].message).toBe(`序列号 SN-A1 已在订单 ${first.number} 中售出。`);
    // nothing of the refused orders was written: SN-X is still free
    expect((await create(sales, bob, [{ productId: ac, quantity: 1, serialNumbers: ['SN-X'] }])).statusCode).toBe(201);
  });

  it('allows the same serial on another product and in another tenant', async () => {
    expect((await create(sales, bob, [{ productId: washer, quantity: 1, serialNumbers: ['SN-A1'] }])).statusCode).toBe(201);
    const theirs = (await createProduct(other.ctx, { sku: 'AC-1', name: '空调', serialTracked: true, priceFen: 300000 })).id;
    const res = await create(intruder, await newCustomer(other, 'Carol'), [{ productId: theirs, quantity: 1, serialNumbers: ['SN-A1'] }]);
    expect(res.statusCode).toBe(201);
  });

  it('frees a serial when its unit cannot be with the customer any more (cancelled order, refunded line), not before', async () => {
    const o = (await create(sales, alice, [{ productId: ac, quantity: 1, serialNumbers: ['SN-C'] }])).json();
    await sales.request({ method: 'POST', url: `/api/v1/orders/${o.id}/cancel`, payload: { version: 1, reason: '取消' } });
    expect((await create(sales, bob, [{ productId: ac, quantity: 1, serialNumbers: ['SN-C'] }])).statusCode).toBe(201);

    const p = (await create(sales, alice, [{ productId: ac, quantity: 2, serialNumbers: ['SN-P1', 'SN-P2'] }])).json();
    // one of two units back: nothing says which, so both serials stay taken
    await sales.request({ method: 'POST', url: `/api/v1/orders/${p.id}/refunds`, payload: { version: 1, lineNo: 1, quantity: 1, reason: '退一台' } });
    expect((await create(sales, bob, [{ productId: ac, quantity: 1, serialNumbers: ['SN-P1'] }])).statusCode).toBe(422);
    await sales.request({ method: 'POST', url: `/api/v1/orders/${p.id}/refunds`, payload: { version: 2, lineNo: 1, reason: '全部退货' } });
    expect((await create(sales, bob, [{ productId: ac, quantity: 1, serialNumbers: ['SN-P1'] }])).statusCode).toBe(201);
  });

  it('checks serials recorded after the sale the same way, the line itself excepted', async () => {
    const o = (await create(sales, alice, [{ productId: ac, quantity: 1 }, { productId: washer, quantity: 1 }])).json();
    const clash = await admin.request({ method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: 1, serials: [{ lineNo: 1, serialNumbers: ['SN-A1'] }] } });
    expect(clash.statusCode).toBe(422);
    expect(clash.json().fieldErrors).toEqual([{ path: 'serials.0.serialNumbers', code: 'errors.serial_sold', message: `Serial number SN-A1 is already sold on order ${first.number}.` }]);
    const ok = await admin.request({ method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: 1, serials: [{ lineNo: 1, serialNumbers: ['SN-N1'] }] } });
    expect(ok.statusCode).toBe(200);
    // rewriting the line with its own serial is no clash with itself
    const again = await admin.request({ method: 'PATCH', url: `/api/v1/orders/${o.id}`, payload: { version: 2, serials: [{ lineNo: 1, serialNumbers: ['SN-N1'] }], note: 'x' } });
    expect(again.statusCode).toBe(200);
    // the first order rewrites its own line: swapping its two serials is fine
    const swap = await admin.request({ method: 'PATCH', url: `/api/v1/orders/${first.id}`, payload: { version: 1, serials: [{ lineNo: 1, serialNumbers: ['SN-A2', 'SN-A1'] }] } });
    expect(swap.statusCode).toBe(200);
    expect(swap.json().items[0].serialNumbers).toEqual(['SN-A2', 'SN-A1']);
  });

  it('finds the order and its customer by serial number (orders list and export), within the tenant only', async () => {
    const found = await list(agent, 'serial=SN-A2');
    expect(found.map((o) => [o.number, o.customerId, o.customerName])).toEqual([[first.number, alice, '王小明']]);
    // the same serial on two products: both orders
    expect((await list(agent, 'serial=SN-A1')).length).toBe(2);
    expect(await list(agent, 'serial=SN-A')).toEqual([]); // exact, not a prefix
    expect(await list(intruder, 'serial=SN-A2')).toEqual([]);
    expect((await list(intruder, 'serial=SN-A1')).length).toBe(1);
    const bad = await agent.request({ method: 'GET', url: `/api/v1/orders?serial=${'x'.repeat(101)}` });
    expect(bad.statusCode).toBe(400);
    const csv = await agent.request({ method: 'GET', url: '/api/v1/orders/export?serial=SN-A2' });
    expect(csv.body.slice(1).trim().split('\n')).toHaveLength(2);
    expect(csv.body).toContain('SN-A2 SN-A1');
  });

  it('finds the customer by a serial number bought, in the lookup and in the customer list', async () => {
    const lookup = (await agent.request({ method: 'GET', url: '/api/v1/customers?q=SN-A2' })).json() as { id: string; name: string }[];
    expect(lookup.map((c) => c.name)).toEqual(['王小明']);
    const listed = (await agent.request({ method: 'GET', url: '/api/v1/customers/list?q=SN-N1' })).json().items as { id: string }[];
    expect(listed.map((c) => c.id)).toEqual([alice]);
    // SN-A1: 王小明's air conditioner and 李华's washer
    const both = (await agent.request({ method: 'GET', url: '/api/v1/customers/list?q=SN-A1' })).json().items as { id: string }[];
    expect(both.map((c) => c.id).sort()).toEqual([alice, bob].sort());
    expect((await intruder.request({ method: 'GET', url: '/api/v1/customers?q=SN-A2' })).json()).toEqual([]);
  });

  it('shows the serial numbers on the customer 360 purchases', async () => {
    const view = (await agent.request({ method: 'GET', url: `/api/v1/customers/${alice}/360` })).json();
    const serials = (view.purchases.orders as { items: { serialNumbers: string[] }[] }[]).flatMap((o) => o.items.flatMap((i) => i.serialNumbers));
    expect(serials).toEqual(expect.arrayContaining(['SN-A1', 'SN-A2', 'SN-N1']));
  });

  it('looks serials up through the GIN index, not a scan of the lines', async () => {
    // a tenant with thousands of sold units (rolled back afterwards), so that the serial, not the tenant, narrows the lines
    const rollback = new Error('rollback');
    let text = '';
    await t.database.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into order_items (tenant_id, order_id, line_no, product_id, sku, name, quantity, unit_price_fen, total_fen, serial_numbers)
                             select ${tenant.id}::uuid, gen_random_uuid(), 1, ${ac}::uuid, 'AC-1', 'x', 1, 0, 0, array['BULK-' || g] from generate_series(1, 5000) g`);
        await tx.execute(sql`analyze order_items`);
        // still small enough that reading the whole table sequentially looks as cheap: leave the planner the indexes
        await tx.execute(sql`set local enable_seqscan = off`);
        const plan = await rows<Record<string, string>>(tx, sql.raw(`explain select order_id from order_items where tenant_id = '${tenant.id}' and serial_numbers @> array['SN-A2']::text[]`));
        text = plan.map((r) => Object.values(r).join(' ')).join('\n');
        throw rollback;
      })
      .catch((e: unknown) => {
        if (e !== rollback) throw e;
      });
    expect(text).toContain('order_items_serials_idx');
  });
});
