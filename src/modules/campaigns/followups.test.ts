import { afterAll, beforeAll, vi, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, sessionWithRoles, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { quietWorkerLog, startWorker, type Worker } from '../../platform/jobs/worker.ts';
import { count, waitFor } from '../../platform/jobs/testing.ts';
import { emitEvent } from '../../platform/outbox/outbox.ts';
import { rows } from '../../platform/db/db.ts';
import { orders } from '../orders/index.ts';
import { addCampaign, addCustomer } from './campaigns.testkit.ts';
import { createFollowups, HISTORICAL_GRACE_DAYS } from './followups.service.ts';
import { listCustomerCallTasks, reassignCustomer } from './index.ts';
import type { CallTask } from './campaigns.contract.ts';

// A shared 2-core machine: real SMTP/HTTP round trips and a worker are slow under load, never wrong.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/** Follow-up calls (回访): created from order and repair events, worked by agents, 'problem' opens a ticket. */
let t: TestApp;
let tenant: TestTenant;
let agent: Session;
let agent2: Session;
let manager: Session;
let otherAgent: Session;
let worker: Worker;
let customer: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { timeZone: 'Asia/Shanghai' });
  agent = await sessionWithRoles(t, ['agent'], tenant);
  agent2 = await sessionWithRoles(t, ['agent'], tenant);
  manager = await sessionWithRoles(t, ['manager'], tenant);
  otherAgent = await sessionWithRoles(t, ['agent']);
  customer = await addCustomer(t.database, tenant, { name: '王芳', phone: '+8613800138000' });
  const script = { 'zh-CN': '您好{{customerName}}，回访订单{{orderNumber}}', en: 'Hello {{customerName}}' };
  await addCampaign(t.database, tenant, { channel: 'call', schedule: { kind: 'followup_purchase', daysAfter: 3, assigneeId: null, script } });
  await addCampaign(t.database, tenant, { channel: 'call', schedule: { kind: 'followup_repair', daysAfter: 1, assigneeId: null, script: { 'zh-CN': '维修回访 {{ticketNumber}}', en: '' } } });
  worker = startWorker(t.database, { pollMs: 20, log: quietWorkerLog, backoffMs: () => 20 });
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

const tasksOf = (id: string) => count(t.database.db, sql`select count(*) as n from call_tasks where tenant_id = ${tenant.id} and customer_id = ${id}`);

async function orderCreated(orderId: string, customerId: string) {
  await t.database.db.transaction((tx) => emitEvent(tx, tenant.ctx, 'order.created', 'order', orderId, { orderId, customerId }));
}

describe('follow-up after a purchase', () => {
  let task: CallTask;
  const orderId = randomUUID();

  it('creates one call task N days after the order, however often the event arrives', async () => {
    await orderCreated(orderId, customer);
    await orderCreated(orderId, customer); // redelivered / duplicated event
    await waitFor(async () => (await tasksOf(customer)) === 1, 'call task', { timeoutMs: 60_000 });
    await waitFor(async () => (await count(t.database.db, sql`select count(*) as n from outbox_events where tenant_id = ${tenant.id} and processed_at is null`)) === 0, 'events dispatched', { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await tasksOf(customer)).toBe(1);
    const mine = (await agent.request({ method: 'GET', url: '/api/v1/call-tasks' })).json() as CallTask[];
    expect(mine).toHaveLength(1);
    task = mine[0];
    expect(task).toMatchObject({ customerName: '王芳', customerPhone: '+8613800138000', sourceType: 'order', sourceId: orderId, assigneeId: null, status: 'open', script: '您好王芳，回访订单' });
    const createdAt = new Date(task.createdAt).getTime();
    expect(new Date(task.dueAt).getTime() - createdAt).toBeGreaterThan(2.9 * 86_400_000);
  });

  it('lets an agent take it; others then cannot record it; other tenants cannot see it', async () => {
    const claimed = await agent.request({ method: 'POST', url: `/api/v1/call-tasks/${task.id}/claim`, payload: { version: task.version } });
    expect(claimed.json()).toMatchObject({ assigneeId: agent.user.id });
    task = claimed.json();
    expect((await agent2.request({ method: 'GET', url: '/api/v1/call-tasks' })).json()).toEqual([]);
    expect((await agent2.request({ method: 'POST', url: `/api/v1/call-tasks/${task.id}/outcome`, payload: { version: task.version, outcome: 'reached' } })).statusCode).toBe(403);
    expect((await otherAgent.request({ method: 'GET', url: `/api/v1/call-tasks/${task.id}` })).statusCode).toBe(404);
    expect((await agent.request({ method: 'GET', url: '/api/v1/call-tasks?scope=all' })).statusCode).toBe(403);
    expect((await manager.request({ method: 'GET', url: '/api/v1/call-tasks?scope=all' })).json()).toHaveLength(1);
  });

  it('keeps a not-reached call open for another try tomorrow', async () => {
    const res = (await agent.request({ method: 'POST', url: `/api/v1/call-tasks/${task.id}/outcome`, payload: { version: task.version, outcome: 'not_reached', notes: '无人接听' } })).json();
    expect(res).toMatchObject({ status: 'open', outcome: 'not_reached', callAttempts: 1, notes: '无人接听' });
    expect(new Date(res.dueAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    task = res;
  });

  it("opens a ticket for the customer on 'problem', in the same step", async () => {
    const missing = await agent.request({ method: 'POST', url: `/api/v1/call-tasks/${task.id}/outcome`, headers: { 'accept-language': 'en' }, payload: { version: task.version, outcome: 'problem' } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().fieldErrors[0]).toMatchObject({ path: 'problemSubject', message: 'This field is required.' });
    const res = await agent.request({ method: 'POST', url: `/api/v1/call-tasks/${task.id}/outcome`, payload: { version: task.version, outcome: 'problem', notes: '空调制冷效果差', problemSubject: '回访发现：空调不制冷' } });
    expect(res.statusCode).toBe(200);
    const done = res.json() as CallTask;
    expect(done).toMatchObject({ status: 'done', outcome: 'problem', callAttempts: 2 });
    const ticket = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${done.ticketId}` })).json();
    expect(ticket).toMatchObject({ subject: '回访发现：空调不制冷', customerId: customer, channel: 'phone', type: 'technical_support', tags: ['followup'] });
    expect((await agent.request({ method: 'POST', url: `/api/v1/call-tasks/${task.id}/outcome`, payload: { version: done.version, outcome: 'satisfied' } })).json().code).toBe('call_task_done');
  });
});

describe('follow-up after a repair', () => {
  it('creates one task when a repair ticket is resolved, none more when it is closed; not for other types', async () => {
    const repair = (await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '洗衣机维修', type: 'repair', customerId: customer } })).json();
    const inquiry = (await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '咨询', type: 'inquiry', customerId: customer } })).json();
    const resolved = (await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${repair.id}`, payload: { version: repair.version, status: 'resolved' } })).json();
    await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${inquiry.id}`, payload: { version: inquiry.version, status: 'resolved' } });
    const task = await waitFor(async () => {
      const ts = await listCustomerCallTasks(tenant.ctx, customer);
      return ts.find((x) => x.sourceType === 'ticket');
    }, 'repair call task', { timeoutMs: 60_000 });
    expect(task).toMatchObject({ sourceId: repair.id, script: `维修回访 ${repair.number}` });
    await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${repair.id}`, payload: { version: resolved.version, status: 'closed' } });
    await waitFor(async () => (await count(t.database.db, sql`select count(*) as n from jobs where tenant_id = ${tenant.id} and status in ('queued', 'running')`)) === 0, 'jobs done', { timeoutMs: 60_000 });
    expect((await listCustomerCallTasks(tenant.ctx, customer)).filter((x) => x.sourceType === 'ticket')).toHaveLength(1);
  });
});

describe('customer merge', () => {
  it('moves call tasks to the surviving customer, keeping both when they share an occasion', async () => {
    const dup = await addCustomer(t.database, tenant, { name: '王芳(重复)' });
    const orderId = randomUUID();
    await orderCreated(orderId, dup);
    await waitFor(async () => (await tasksOf(dup)) === 1, 'dup task', { timeoutMs: 60_000 });
    const before = await tasksOf(customer);
    const moved = await t.database.db.transaction((tx) => reassignCustomer(tx, tenant.ctx, dup, customer));
    expect(moved).toBe(1);
    expect(await tasksOf(customer)).toBe(before + 1);
    expect(await tasksOf(dup)).toBe(0);
  });
});

describe('who gets a follow-up: segment, phone withdrawal, historical orders', () => {
  // a tenant of its own: its campaigns must not add tasks to the journeys above
  let tn: TestTenant;
  let boss: Session;
  let campaignId: string;
  const ids: Record<'member' | 'outsider' | 'noPhone' | 'old' | 'recent', string> = { member: '', outsider: '', noPhone: '', old: '', recent: '' };
  const DAY = 86_400_000;
  const tasks = (customerId: string) => count(t.database.db, sql`select count(*) as n from call_tasks where tenant_id = ${tn.id} and customer_id = ${customerId}`);
  const skips = (customerId: string) =>
    rows<{ reason: string; channel: string; occasion_key: string }>(t.database.db, sql`select reason, channel, occasion_key from campaign_messages where tenant_id = ${tn.id} and customer_id = ${customerId} and status = 'skipped'`);
  const purchase = (customerId: string, orderId: string, soldAt?: Date) =>
    createFollowups(t.database.db, tn.id, 'followup_purchase', { sourceType: 'order', sourceId: orderId, customerId, at: new Date(), soldAt, vars: {} });
  async function order(customerId: string, daysAgo: number): Promise<{ id: string; orderedAt: Date }> {
    const [row] = await t.database.db
      .insert(orders)
      .values({ tenantId: tn.id, customerId, number: `O-F-${randomUUID().slice(0, 8)}`, channel: 'online', subtotalFen: 100, totalFen: 100, orderedAt: new Date(Date.now() - daysAgo * DAY) })
      .returning({ id: orders.id, orderedAt: orders.orderedAt });
    return row;
  }

  beforeAll(async () => {
    tn = await createTenant(t.database, { timeZone: 'Asia/Shanghai' });
    boss = await sessionWithRoles(t, ['manager'], tn);
    for (const k of Object.keys(ids) as (keyof typeof ids)[]) ids[k] = await addCustomer(t.database, tn, { name: k, phone: null });
    await t.database.db.execute(sql`update customers set tags = array['club'] where tenant_id = ${tn.id} and id <> ${ids.outsider}`);
    const seg = await boss.request({ method: 'POST', url: '/api/v1/segments', payload: { name: '会员俱乐部', shared: true, filter: { tags: ['club'] } } });
    expect(seg.statusCode, seg.body).toBe(201);
    const script = { 'zh-CN': '回访 {{orderNumber}}', en: '' };
    ({ campaignId } = await addCampaign(t.database, tn, { channel: 'call', segmentId: seg.json().id, schedule: { kind: 'followup_purchase', daysAfter: 3, assigneeId: null, script } }));
  });

  it("calls only customers in the campaign's segment and shows the others as skipped in the report", async () => {
    expect(await purchase(ids.member, randomUUID())).toBe(1);
    const away = randomUUID();
    expect(await purchase(ids.outsider, away)).toBe(0);
    expect(await purchase(ids.outsider, away)).toBe(0); // redelivered: still one log row
    expect(await tasks(ids.member)).toBe(1);
    expect(await tasks(ids.outsider)).toBe(0);
    expect(await skips(ids.outsider)).toEqual([{ reason: 'not_in_segment', channel: 'call', occasion_key: `order:${away}` }]);
    const report = (await boss.request({ method: 'GET', url: `/api/v1/campaigns/${campaignId}/report` })).json();
    expect(report).toMatchObject({ skippedByReason: { not_in_segment: 1 }, callTasks: { open: 1, done: 0 } });
    const log = (await boss.request({ method: 'GET', url: `/api/v1/campaigns/${campaignId}/messages` })).json();
    expect(log.items).toMatchObject([{ customerId: ids.outsider, channel: 'call', status: 'skipped', reason: 'not_in_segment' }]);
  });

  it('skips a customer who withdrew phone contact (the consent channel of calls), through the customers module', async () => {
    const res = await boss.request({ method: 'PUT', url: `/api/v1/customers/${ids.noPhone}/consents`, payload: { channel: 'phone', granted: false, source: 'phone_call' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await purchase(ids.noPhone, randomUUID())).toBe(0);
    expect((await skips(ids.noPhone)).map((s) => s.reason)).toEqual(['phone_consent_withdrawn']);
    // granted again: called again (no row at all, like `member`, needs no grant: follow-ups are service contact)
    await boss.request({ method: 'PUT', url: `/api/v1/customers/${ids.noPhone}/consents`, payload: { channel: 'phone', granted: true, source: 'phone_call' } });
    expect(await purchase(ids.noPhone, randomUUID())).toBe(1);
  });

  it('ignores historical orders: sale date read from the order, or from the event when it carries one', async () => {
    const old = await order(ids.old, 3 + HISTORICAL_GRACE_DAYS + 1);
    expect(await purchase(ids.old, old.id)).toBe(0);
    expect(await purchase(ids.old, randomUUID(), new Date(Date.now() - 40 * DAY))).toBe(0);
    expect((await skips(ids.old)).map((s) => s.reason)).toEqual(['historical_order', 'historical_order']);
    expect(await tasks(ids.old)).toBe(0);
    // inside the window: due N days after the sale itself, not after the event
    const recent = await order(ids.recent, 3 + HISTORICAL_GRACE_DAYS - 1);
    expect(await purchase(ids.recent, recent.id)).toBe(1);
    const [task] = await listCustomerCallTasks(tn.ctx, ids.recent);
    expect(new Date(task.dueAt).getTime()).toBe(recent.orderedAt.getTime() + 3 * DAY);
    expect(await skips(ids.recent)).toEqual([]);
  });

  it('reads soldAt from the order.created payload through the subscriber', async () => {
    const orderId = randomUUID();
    await t.database.db.transaction((tx) => emitEvent(tx, tn.ctx, 'order.created', 'order', orderId, { orderId, customerId: ids.member, soldAt: new Date(Date.now() - 90 * DAY).toISOString() }));
    await waitFor(async () => (await skips(ids.member)).length === 1, 'historical skip', { timeoutMs: 60_000 });
    expect(await skips(ids.member)).toEqual([{ reason: 'historical_order', channel: 'call', occasion_key: `order:${orderId}` }]);
    expect(await tasks(ids.member)).toBe(1);
  });
});
