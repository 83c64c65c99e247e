import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { quietWorkerLog, startWorker, type Worker } from '../../platform/jobs/worker.ts';
import { count, waitFor } from '../../platform/jobs/testing.ts';
import { emitEvent } from '../../platform/outbox/outbox.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';
import { createCnStandard } from '../../platform/calendar/calendar.service.ts';
import { orders } from '../orders/index.ts';
import { customers, customerTierHistory } from './customers.schema.ts';
import { assignTier } from './tiers.rfm.ts';
import { defaultTierDefinitions } from './tiers.contract.ts';
import { previewTiers, recomputeTiers, saveTierConfig } from './tiers.service.ts';

let t: TestApp;
let worker: Worker;
let tenant: TestTenant;
let admin: Session;
let manager: Session;
let agent: Session;
let outsider: Session;
const DAY = 86_400_000;

async function customer(tn: TestTenant, name: string, tier = 'regular'): Promise<string> {
  const [row] = await t.database.db.insert(customers).values({ tenantId: tn.id, name, tier }).returning({ id: customers.id });
  return row.id;
}
interface O { daysAgo: number; fen: number; refunded?: number; status?: string }
async function order(tn: TestTenant, customerId: string, o: O): Promise<string> {
  const [row] = await t.database.db
    .insert(orders)
    .values({
      tenantId: tn.id, customerId, number: `O-T-${randomBytes(5).toString('hex')}`, channel: 'online', subtotalFen: o.fen, totalFen: o.fen,
      refundedFen: o.refunded ?? 0, status: o.status ?? 'placed', orderedAt: new Date(Date.now() - o.daysAgo * DAY - 3600_000),
    })
    .returning({ id: orders.id });
  return row.id;
}
const tierOf = async (tn: TestTenant, id: string) => (await t.database.db.select({ tier: customers.tier }).from(customers).where(and(eq(customers.tenantId, tn.id), eq(customers.id, id))))[0].tier;
const historyOf = (tn: TestTenant, id: string) =>
  t.database.db.select().from(customerTierHistory).where(and(eq(customerTierHistory.tenantId, tn.id), eq(customerTierHistory.customerId, id)));
const historyCount = (tn: TestTenant) => count(t.database.db, sql`select count(*) as n from customer_tier_history where tenant_id = ${tn.id}`);

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin']));
  manager = await signIn(t.app, await createUser(t.database, tenant, ['manager']));
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent'], { locale: 'en' }));
  outsider = await sessionWithRoles(t, ['admin']);
  worker = startWorker(t.database, { pollMs: 20, schedules: false, log: quietWorkerLog });
}, 180_000);
afterAll(async () => {
  await worker.stop();
  await t.close();
});

describe('recompute (set-based SQL) follows the RFM rule', () => {
  // figures worked by hand: window 12 months, default ladder (VIP ¥5,000 / 2 orders / 365 d; senior ¥20,000 / 4 / 180 d)
  const cases: { name: string; start?: string; orders: O[]; figures: { recencyDays: number | null; frequency: number; monetaryFen: number }; expected: string }[] = [
    { name: 'no orders', orders: [], figures: { recencyDays: null, frequency: 0, monetaryFen: 0 }, expected: 'regular' },
    { name: 'two orders 10 and 100 days ago', orders: [{ daysAgo: 10, fen: 300_000 }, { daysAgo: 100, fen: 300_000 }], figures: { recencyDays: 10, frequency: 2, monetaryFen: 600_000 }, expected: 'vip' },
    { name: 'four recent orders', orders: [5, 20, 40, 90].map((d) => ({ daysAgo: d, fen: 600_000 })), figures: { recencyDays: 5, frequency: 4, monetaryFen: 2_400_000 }, expected: 'senior_vip' },
    {
      name: 'one of four cancelled (fully refunded)',
      orders: [...[5, 20, 40].map((d) => ({ daysAgo: d, fen: 600_000 })), { daysAgo: 2, fen: 600_000, refunded: 600_000, status: 'cancelled' }],
      figures: { recencyDays: 5, frequency: 3, monetaryFen: 1_800_000 },
      expected: 'vip',
    },
    {
      name: 'old orders outside the window count for nothing but recency',
      orders: [...[30, 60, 90].map((d) => ({ daysAgo: d, fen: 1_000_000 })), { daysAgo: 400, fen: 5_000_000 }, { daysAgo: 420, fen: 5_000_000 }],
      figures: { recencyDays: 30, frequency: 3, monetaryFen: 3_000_000 },
      expected: 'vip',
    },
    { name: 'big but long ago', orders: [{ daysAgo: 400, fen: 10_000_000 }, { daysAgo: 500, fen: 10_000_000 }], figures: { recencyDays: 400, frequency: 0, monetaryFen: 0 }, expected: 'regular' },
    {
      name: 'a partial refund takes it under VIP',
      orders: [{ daysAgo: 3, fen: 300_000, refunded: 150_000, status: 'partially_refunded' }, { daysAgo: 50, fen: 300_000 }],
      figures: { recencyDays: 3, frequency: 2, monetaryFen: 450_000 },
      expected: 'regular',
    },
    { name: 'a VIP who stopped buying moves down', start: 'vip', orders: [], figures: { recencyDays: null, frequency: 0, monetaryFen: 0 }, expected: 'regular' },
  ];
  const ids: string[] = [];

  it('matches the pure function and the hand-worked tier for every case; history for changes only', async () => {
    for (const c of cases) {
      const id = await customer(tenant, c.name, c.start);
      for (const o of c.orders) await order(tenant, id, o);
      ids.push(id);
    }
    const r = await recomputeTiers(tenant.ctx, { reason: 'recompute' });
    expect(r).toMatchObject({ considered: cases.length, changed: 5, up: 4, down: 1 });
    for (const [i, c] of cases.entries()) {
      expect(assignTier(defaultTierDefinitions, { ...c.figures, engagement: 0 }), c.name).toBe(c.expected);
      expect(await tierOf(tenant, ids[i]), c.name).toBe(c.expected);
      const h = await historyOf(tenant, ids[i]);
      if ((c.start ?? 'regular') === c.expected) {
        expect(h, c.name).toHaveLength(0);
      } else {
        expect(h, c.name).toHaveLength(1);
        expect(h[0]).toMatchObject({ fromTier: c.start ?? 'regular', toTier: c.expected, reason: 'recompute' });
        expect(h[0].details).toMatchObject({ ...c.figures, engagement: 0, windowMonths: 12 });
      }
    }
    const again = await recomputeTiers(tenant.ctx, { reason: 'rfm_nightly' });
    expect(again).toMatchObject({ considered: cases.length, changed: 0 });
    expect(await historyCount(tenant)).toBe(5);
  });

  it('an order event moves the customer up at once (outbox subscriber)', async () => {
    const id = await customer(tenant, '新客户 张');
    await order(tenant, id, { daysAgo: 20, fen: 300_000 });
    await recomputeTiers(tenant.ctx, { customerIds: [id], reason: 'recompute' });
    expect(await tierOf(tenant, id)).toBe('regular');
    const orderId = await order(tenant, id, { daysAgo: 0, fen: 250_000 });
    await t.database.db.transaction((tx) => emitEvent(tx, tenant.ctx, 'order.created', 'order', orderId, { orderId, customerId: id }));
    await waitFor(async () => (await tierOf(tenant, id)) === 'vip', 'tier vip after the order');
    const [h] = await historyOf(tenant, id);
    expect(h).toMatchObject({ fromTier: 'regular', toTier: 'vip', reason: 'order', details: { frequency: 2, monetaryFen: 550_000, recencyDays: 0 } });
    expect(await count(t.database.db, sql`select count(*) as n from outbox_events where tenant_id = ${tenant.id} and type = 'customer.tier_changed' and entity_id = ${id}`)).toBe(1);
  });
});

describe('preview', () => {
  it('counts per tier and moves for a draft, and writes nothing', async () => {
    const tn = await createTenant(t.database);
    const x = await customer(tn, 'X');
    const y = await customer(tn, 'Y');
    await order(tn, y, { daysAgo: 10, fen: 300_000 });
    const z = await customer(tn, 'Z');
    await order(tn, z, { daysAgo: 10, fen: 300_000 });
    await order(tn, z, { daysAgo: 45, fen: 300_000 });
    await recomputeTiers(tn.ctx, { reason: 'recompute' });
    expect([await tierOf(tn, x), await tierOf(tn, y), await tierOf(tn, z)]).toEqual(['regular', 'regular', 'vip']);
    const snapshot = async () => [
      await historyCount(tn),
      await count(t.database.db, sql`select count(*) as n from audit_log where tenant_id = ${tn.id}`),
      await count(t.database.db, sql`select count(*) as n from outbox_events where tenant_id = ${tn.id}`),
      JSON.stringify(await t.database.db.select({ id: customers.id, tier: customers.tier, v: customers.version }).from(customers).where(eq(customers.tenantId, tn.id)).orderBy(customers.id)),
    ];
    const boss = await signIn(t.app, await createUser(t.database, tn, ['manager']));
    const before = await snapshot();
    const easier = defaultTierDefinitions.map((d) => (d.code === 'vip' ? { ...d, minMonetaryFen: 200_000, minFrequency: 1 } : d));
    const p = await previewTiers(tn.ctx, { windowMonths: 12, engagementSources: ['tickets'], nightly: true, definitions: easier });
    expect(p).toMatchObject({ total: 3, overridden: 0, up: 1, down: 0, unchanged: 2 });
    expect(p.tiers.map((x) => [x.code, x.current, x.proposed])).toEqual([['senior_vip', 0, 0], ['vip', 1, 2], ['regular', 2, 1]]);
    const harder = defaultTierDefinitions.map((d) => (d.code === 'vip' ? { ...d, minMonetaryFen: 10_000_000 } : d));
    const q = await previewTiers(tn.ctx, { windowMonths: 12, engagementSources: [], nightly: true, definitions: harder });
    expect(q).toMatchObject({ total: 3, up: 0, down: 1, unchanged: 2 });
    // a one-month window leaves Z with one order: the route gives the same answer as the service
    const res = await boss.request({ method: 'POST', url: '/api/v1/tiers/preview', payload: { windowMonths: 1, definitions: defaultTierDefinitions } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ total: 3, down: 1, up: 0 });
    expect(await snapshot()).toEqual(before);
  });
});

describe('tier definitions, SLA by custom tier, overrides, roles and tenants', () => {
  const gold = { code: 'gold', rank: 10, nameZh: '金卡', nameEn: 'Gold', minFrequency: 1, routingPriority: 5, dedicatedAgent: true, benefits: [{ zh: '免费清洗', en: 'Free cleaning' }] };
  const plain = { code: 'plain', rank: 0, nameZh: '普通', nameEn: 'Plain' };

  it('saves a custom set with versions; bad sets are field errors; agents cannot edit', async () => {
    const tn = await createTenant(t.database, { timeZone: 'Europe/Berlin' });
    const boss = await signIn(t.app, await createUser(t.database, tn, ['admin']));
    const worker2 = await signIn(t.app, await createUser(t.database, tn, ['agent']));
    const get = await worker2.request({ method: 'GET', url: '/api/v1/tiers' });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toMatchObject({ version: 0, windowMonths: 12 });
    expect(get.json().definitions.map((d: { code: string }) => d.code)).toEqual(['senior_vip', 'vip', 'regular']);
    const body = { version: 0, windowMonths: 6, definitions: [plain, gold] };
    expect((await worker2.request({ method: 'PATCH', url: '/api/v1/tiers', payload: body })).statusCode).toBe(403);
    expect((await worker2.request({ method: 'POST', url: '/api/v1/tiers/preview', payload: { definitions: [plain] } })).statusCode).toBe(403);
    expect((await worker2.request({ method: 'POST', url: '/api/v1/tiers/recompute' })).statusCode).toBe(403);
    const dup = await boss.request({ method: 'PATCH', url: '/api/v1/tiers', payload: { ...body, definitions: [plain, { ...gold, rank: 0 }] } });
    expect(dup.statusCode).toBe(422);
    expect(dup.json().fieldErrors[0]).toMatchObject({ path: 'definitions.1.rank' });
    const ok = await boss.request({ method: 'PATCH', url: '/api/v1/tiers', payload: body });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ version: 1, windowMonths: 6 });
    const stale = await boss.request({ method: 'PATCH', url: '/api/v1/tiers', payload: body });
    expect(stale.statusCode).toBe(409);
    const sched = await count(t.database.db, sql`select count(*) as n from job_schedules where tenant_id = ${tn.id} and key = 'customers.tiers.nightly' and time_zone = 'Europe/Berlin'`);
    expect(sched).toBe(1);
    const c = await customer(tn, '金卡客户', 'gold');
    const remove = await boss.request({ method: 'PATCH', url: '/api/v1/tiers', payload: { ...body, version: 1, definitions: [plain] } });
    expect(remove.statusCode).toBe(422);
    expect(remove.json().fieldErrors[0]).toMatchObject({ path: 'definitions', code: 'errors.tier_in_use' });
    const std = await worker2.request({ method: 'GET', url: `/api/v1/customers/${c}/service-standard` });
    expect(std.json()).toMatchObject({ tier: 'gold', nameZh: '金卡', routingPriority: 5, dedicatedAgent: true, benefits: [{ zh: '免费清洗', en: 'Free cleaning' }] });
  });

  it('an SLA policy selects by a custom tier code; unknown codes are field errors', async () => {
    const tn = await createTenant(t.database);
    await createCnStandard(tn.ctx);
    const boss = await signIn(t.app, await createUser(t.database, tn, ['admin'], { locale: 'en' }));
    expect((await boss.request({ method: 'PATCH', url: '/api/v1/tiers', payload: { version: 0, definitions: [plain, gold] } })).statusCode).toBe(200);
    const bad = await boss.request({ method: 'POST', url: '/api/v1/sla-policies', payload: { name: 'Platinum', conditions: { tiers: ['platinum'] }, firstResponseMinutes: 10 } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().fieldErrors[0]).toMatchObject({ path: 'conditions.tiers.0', code: 'errors.unknown_tier', message: 'There is no tier with the code platinum.' });
    const p = await boss.request({ method: 'POST', url: '/api/v1/sla-policies', payload: { name: 'Gold 10 min', position: 1, conditions: { tiers: ['gold'] }, firstResponseMinutes: 10 } });
    expect(p.statusCode, p.body).toBe(201);
    const goldCustomer = await customer(tn, '金卡 李', 'gold');
    const plainCustomer = await customer(tn, '普通 王', 'plain');
    const tk = await boss.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '空调不制冷', customerId: goldCustomer } });
    expect(tk.statusCode, tk.body).toBe(201);
    expect(tk.json().sla.policyName).toBe('Gold 10 min');
    const other = await boss.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '空调不制冷', customerId: plainCustomer } });
    expect(other.json().sla.policyName).not.toBe('Gold 10 min');
  });

  it('routing follows the tier: priority tiers are assigned even in manual teams, dedicated agents only where the tier grants one', async () => {
    const tn = await createTenant(t.database);
    const boss = await signIn(t.app, await createUser(t.database, tn, ['admin']));
    const [a1, a2] = [await createUser(t.database, tn, ['agent']), await createUser(t.database, tn, ['agent'])];
    const team = (await boss.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'L1', members: [{ userId: a1.id }, { userId: a2.id }] } })).json().id;
    const noAgent = { ...gold, code: 'silver', rank: 5, nameZh: '银卡', nameEn: 'Silver', dedicatedAgent: false, routingPriority: 0 };
    expect((await boss.request({ method: 'PATCH', url: '/api/v1/tiers', payload: { version: 0, definitions: [plain, noAgent, gold] } })).statusCode).toBe(200);
    const plainC = await customer(tn, '普通客户', 'plain');
    const silverC = await customer(tn, '银卡客户', 'silver');
    const goldC = await customer(tn, '金卡客户', 'gold');
    await t.database.db.update(customers).set({ dedicatedAgentId: a2.id }).where(eq(customers.tenantId, tn.id));
    const ticket = async (customerId: string) => (await boss.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '报修', teamId: team, customerId } })).json().assigneeId;
    // the team routes manually: a plain customer's ticket waits; silver has a dedicated agent on file, but the tier does not grant one
    expect(await ticket(plainC)).toBeNull();
    expect(await ticket(silverC)).toBeNull();
    // gold grants a dedicated agent
    expect(await ticket(goldC)).toBe(a2.id);
    // gold without a dedicated agent on file: routing priority assigns the least-loaded member (a1 has none open)
    await t.database.db.update(customers).set({ dedicatedAgentId: null }).where(eq(customers.id, goldC));
    expect(await ticket(goldC)).toBe(a1.id);
  });

  it('a manager overrides a tier with a reason; recompute leaves it; clearing restores RFM', async () => {
    const id = await customer(tenant, '手工贵宾');
    const noReason = await manager.request({ method: 'POST', url: `/api/v1/customers/${id}/tier-override`, payload: { tier: 'senior_vip' } });
    expect(noReason.statusCode).toBe(400);
    const unknown = await manager.request({ method: 'POST', url: `/api/v1/customers/${id}/tier-override`, payload: { tier: 'diamond', reason: 'x' } });
    expect(unknown.json().fieldErrors[0]).toMatchObject({ path: 'tier', code: 'errors.unknown_tier' });
    expect((await agent.request({ method: 'POST', url: `/api/v1/customers/${id}/tier-override`, payload: { tier: 'vip', reason: 'x' } })).statusCode).toBe(403);
    const set = await manager.request({ method: 'POST', url: `/api/v1/customers/${id}/tier-override`, payload: { tier: 'senior_vip', reason: '集团大客户' } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ tier: 'senior_vip', overridden: true });
    await recomputeTiers(tenant.ctx, { reason: 'rfm_nightly' });
    expect(await tierOf(tenant, id)).toBe('senior_vip');
    const clear = await manager.request({ method: 'DELETE', url: `/api/v1/customers/${id}/tier-override?reason=${encodeURIComponent('合同到期')}` });
    expect(clear.statusCode, clear.body).toBe(200);
    expect(clear.json()).toMatchObject({ tier: 'regular', overridden: false });
    const hist = (await agent.request({ method: 'GET', url: `/api/v1/customers/${id}/tier-history` })).json();
    expect(hist.map((h: { reason: string; toTier: string }) => [h.reason, h.toTier])).toEqual([['override_cleared', 'regular'], ['manual', 'senior_vip']]);
    expect(hist[1].details).toMatchObject({ note: '集团大客户' });
  });

  it('another tenant sees none of it', async () => {
    const id = await customer(tenant, '隔离客户');
    await expectOtherTenantsIdsToBe404(t.app, outsider, '/api/v1/customers/{id}/tier', id, {
      'POST /api/v1/customers/{id}/tier-override': { body: { tier: 'vip', reason: 'x' } },
      'DELETE /api/v1/customers/{id}/tier-override': { query: 'reason=x' },
    });
    expect((await outsider.request({ method: 'GET', url: `/api/v1/customers/${id}/service-standard` })).statusCode).toBe(404);
    await outsider.request({ method: 'POST', url: '/api/v1/tiers/recompute' });
    expect(await tierOf(tenant, id)).toBe('regular');
    const theirs = (await outsider.request({ method: 'GET', url: '/api/v1/tiers' })).json();
    expect(theirs.definitions.every((d: { customers: number }) => d.customers === 0)).toBe(true);
  });

  it('recompute now runs in the background and reports its result', async () => {
    const start = await admin.request({ method: 'POST', url: '/api/v1/tiers/recompute' });
    expect(start.statusCode, start.body).toBe(202);
    const run = await waitFor(async () => {
      const r = (await admin.request({ method: 'GET', url: '/api/v1/tiers/recompute' })).json();
      return r?.state === 'done' ? r : null;
    }, 'recompute done');
    const n = await count(t.database.db, sql`select count(*) as n from customers where tenant_id = ${tenant.id}`);
    expect(run.result).toMatchObject({ considered: n, changed: 0 });
  });
});

describe('engagement sources (registered by the modules that own the interactions)', () => {
  it('counts tickets and, through the source campaigns register at load, clicked care messages', async () => {
    const tn = await createTenant(t.database);
    const [withTicket, withClick, idle] = [await customer(tn, 'A'), await customer(tn, 'B'), await customer(tn, 'C')];
    const desk = await sessionWithRoles(t, ['agent'], tn);
    expect((await desk.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '咨询', type: 'inquiry', customerId: withTicket } })).statusCode).toBe(201);
    await t.database.db.execute(sql`insert into campaign_messages (tenant_id, campaign_id, customer_id, occasion_key, channel, status, sent_at, clicked_at)
                                    values (${tn.id}, gen_random_uuid(), ${withClick}, 'promotion', 'email', 'sent', now(), now())`);
    // VIP on engagement alone: one interaction in the window
    const byEngagement = defaultTierDefinitions.map((d) => (d.code === 'vip' ? { ...d, minMonetaryFen: null, minFrequency: null, maxRecencyDays: null, minEngagement: 1 } : d));
    const vips = async (engagementSources: ('tickets' | 'campaign_clicks')[]) =>
      (await previewTiers(tn.ctx, { windowMonths: 12, engagementSources, nightly: true, definitions: byEngagement })).tiers.find((x) => x.code === 'vip')?.proposed;
    expect(await vips([])).toBe(0);
    expect(await vips(['tickets'])).toBe(1);
    expect(await vips(['campaign_clicks'])).toBe(1);
    expect(await vips(['tickets', 'campaign_clicks'])).toBe(2);
    // the set-based recompute uses the same sources: the two engaged customers move up, the idle one stays
    await saveTierConfig(tn.ctx, { version: 0, windowMonths: 12, engagementSources: ['tickets', 'campaign_clicks'], nightly: false, definitions: byEngagement });
    await recomputeTiers(tn.ctx, { reason: 'recompute' });
    expect([await tierOf(tn, withTicket), await tierOf(tn, withClick), await tierOf(tn, idle)]).toEqual(['vip', 'vip', 'regular']);
    expect((await historyOf(tn, withClick))[0].details).toMatchObject({ engagement: 1 });
  });
});
