import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';
import { createCnStandard } from '../../platform/calendar/calendar.service.ts';
import { teams } from '../../platform/teams/teams.schema.ts';
import { count } from '../../platform/jobs/testing.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';
import { createDefaultPolicies } from '../sla/index.ts';
import { runImport } from './import.service.ts';

let t: TestApp;
let admin: Session;
let agentEmail: string;
let agentId: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
  const tenant = admin.user.tenant;
  const agent = await createUser(t.database, tenant, ['agent']);
  agentEmail = agent.email;
  agentId = agent.id;
  await tenant.ctx.tx(async (tx) => {
    await createCnStandard(joinTx(tenant.ctx, tx));
    await createDefaultPolicies(joinTx(tenant.ctx, tx));
  });
  await t.database.db.insert(teams).values({ tenantId: tenant.id, name: 'Support' });
});
afterAll(() => t.close());

// Monday 3 March 2025, 09:00 in Shanghai: inside business hours, so the SLA targets are easy to check.
const created = '2025-03-03T01:00:00.000Z';
const fridge = () => ({
  externalId: 'zd-1001',
  subject: '冰箱不制冷',
  description: '用户反映冰箱压缩机有异响，需要上门维修',
  type: 'repair',
  priority: 'p2',
  status: 'resolved',
  channel: 'email',
  createdAt: created,
  customer: { name: '王小明', email: 'wang.xm@example.cn', phone: '13900139000' },
  team: 'Support',
  assignee: agentEmail,
  tags: ['冰箱'],
  messages: [
    { authorType: 'customer', authorName: '王小明', kind: 'public', body: '冰箱不制冷了，请尽快处理', createdAt: created },
    { authorType: 'agent', authorName: '李工', authorEmail: agentEmail, kind: 'note', body: '先查压缩机', createdAt: '2025-03-03T01:10:00.000Z' },
    { authorType: 'agent', authorName: '李工', authorEmail: agentEmail, kind: 'public', body: '您好，明天上午上门', createdAt: '2025-03-03T01:20:00.000Z' },
  ],
  statusChanges: [{ to: 'resolved', at: '2025-03-04T03:00:00.000Z', by: '李工' }],
});
const washer = {
  externalId: 'zd-1002',
  subject: 'Dishwasher leaking water',
  type: 'technical_support',
  priority: 'p3',
  status: 'open',
  channel: 'web_form',
  createdAt: '2025-03-05T02:00:00.000Z',
  customer: { name: 'Alice', email: 'alice@example.com' },
  messages: [{ authorType: 'customer', authorName: 'Alice', body: 'The door seal leaks after every cycle.', createdAt: '2025-03-05T02:00:00.000Z' }],
};
// built when called: the agent's e-mail exists only after beforeAll
const file = () => [
  JSON.stringify(fridge()),
  '{"externalId": "zd-1003", "subject": ',
  JSON.stringify({ ...washer, externalId: 'zd-1004', priority: 5 }),
  '',
  JSON.stringify({ ...washer, externalId: 'zd-1005', status: 'waiting' }),
  JSON.stringify(washer),
].join('\n');

const upload = (s: Session, body: string, query = '', headers: Record<string, string> = {}) =>
  s.request({ method: 'POST', url: `/api/v1/import/tickets${query}`, payload: body, headers: { 'content-type': 'application/x-ndjson', ...headers } });

describe('history import', () => {
  let jobId: string;
  let fridgeId: string;

  it('imports the good lines and reports the bad ones by line number, in the caller\'s language', async () => {
    const res = await upload(admin, file(), '?fileName=zendesk.ndjson', { 'accept-language': 'en' });
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json();
    jobId = job.id;
    expect(job).toMatchObject({ status: 'completed', total: 5, processed: 5, imported: 2, skipped: 0, failed: 3, progressPercent: 100, fileName: 'zendesk.ndjson' });
    expect(job.errors.map((e: { line: number }) => e.line)).toEqual([2, 3, 5]);
    expect(job.errors[0].errors[0].code).toBe('errors.bad_json');
    expect(job.errors[1]).toMatchObject({ externalId: 'zd-1004', errors: [{ path: 'priority', code: 'validation.invalid_value' }] });
    expect(job.errors[2].errors[0]).toMatchObject({ path: 'status', code: 'validation.invalid_value' });
    expect(job.errors[2].errors[0].message).not.toBe('validation.invalid_value');
    const zh = (await admin.request({ method: 'GET', url: `/api/v1/import/jobs/${jobId}`, headers: { 'accept-language': 'zh-CN' } })).json();
    expect(zh.errors[2].errors[0].message).not.toBe(job.errors[2].errors[0].message);
    const list = (await admin.request({ method: 'GET', url: '/api/v1/import/jobs' })).json();
    expect(list.items.map((j: { id: string }) => j.id)).toContain(jobId);
  });

  it('keeps original timestamps and authors and computes the SLA from the history', async () => {
    const found = (await admin.request({ method: 'GET', url: '/api/v1/tickets?q=zd-1001' })).json();
    const byList = (await admin.request({ method: 'GET', url: `/api/v1/tickets?tag=${encodeURIComponent('冰箱')}` })).json();
    fridgeId = (byList.items[0] ?? found.items[0]).id;
    const tk = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${fridgeId}` })).json();
    expect(tk).toMatchObject({ externalId: 'zd-1001', status: 'resolved', createdAt: created, customerName: '王小明', assigneeId: agentId });
    expect(tk.number).toMatch(/^T-2025-\d{6}$/);
    expect(tk.messages.map((m: { authorName: string; createdAt: string; kind: string }) => [m.authorName, m.kind, m.createdAt])).toEqual([
      ['王小明', 'public', created],
      ['李工', 'note', '2025-03-03T01:10:00.000Z'],
      ['李工', 'public', '2025-03-03T01:20:00.000Z'],
    ]);
    expect(tk.messages[2].authorUserId).toBe(agentId);
    // first response = the first public agent reply (the note before it does not count)
    expect(tk.sla.firstRespondedAt).toBe('2025-03-03T01:20:00.000Z');
    expect(tk.sla.firstResponseDueAt).toBe('2025-03-03T02:00:00.000Z'); // repairs: 1 h business time
    expect(tk.sla.resolvedAt).toBe('2025-03-04T03:00:00.000Z');
    expect(tk.sla.dueAt).toBeNull();
    expect(tk.sla.breached).toEqual([]);
    expect(tk.events.map((e: { type: string }) => e.type)).toEqual(['created', 'message_added', 'message_added', 'status_changed', 'message_added', 'status_changed']);
  });

  it('makes imported tickets searchable by a two-character Chinese word and by English stems', async () => {
    const zh = (await admin.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('压缩')}` })).json();
    expect(zh.items.map((i: { id: string }) => i.id)).toEqual([fridgeId]);
    const inMessage = (await admin.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('上门')}` })).json();
    expect(inMessage.items.map((i: { id: string }) => i.id)).toEqual([fridgeId]);
    const en = (await admin.request({ method: 'GET', url: '/api/v1/tickets?q=leak' })).json();
    expect(en.items.map((i: { externalId: string }) => i.externalId)).toEqual(['zd-1002']);
  });

  it('schedules SLA checks for imported tickets whose targets are still ahead, and none for decided ones', async () => {
    const now = new Date();
    const live = { ...washer, externalId: 'zd-live', createdAt: now.toISOString(), messages: [{ ...washer.messages[0], createdAt: now.toISOString() }] };
    expect((await upload(admin, JSON.stringify(live))).json()).toMatchObject({ imported: 1, failed: 0 });
    const db = t.database.db;
    const checksOf = (externalId: string, extra = sql``) =>
      count(db, sql`select count(*) as n from jobs j join tickets tk on tk.id::text = j.payload->>'ticketId'
                     where j.name = 'tickets.sla_check' and tk.external_id = ${externalId} ${extra}`);
    expect(await checksOf('zd-live')).toBeGreaterThan(0);
    expect(await checksOf('zd-live', sql`and j.run_at < ${now.toISOString()}::timestamptz`)).toBe(0);
    // open since 2025: its targets passed during the history and were decided by the replay
    expect(await checksOf('zd-1002')).toBe(0);
    await db.execute(sql`delete from tickets where external_id = 'zd-live'`);
  });

  it('re-importing the same file changes nothing', async () => {
    const db = t.database.db;
    const before = [await count(db, sql`select count(*) as n from tickets`), await count(db, sql`select count(*) as n from ticket_messages`), await count(db, sql`select count(*) as n from customers`)];
    const job = (await upload(admin, file())).json();
    expect(job).toMatchObject({ imported: 0, skipped: 2, failed: 3 });
    const after = [await count(db, sql`select count(*) as n from tickets`), await count(db, sql`select count(*) as n from ticket_messages`), await count(db, sql`select count(*) as n from customers`)];
    expect(after).toEqual(before);
  });

  it('runs large files as a background job with one audit row and an import.completed event', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ ...washer, externalId: `bulk-${i}`, customer: { name: `客户${i}`, phone: `1380013${String(i).padStart(4, '0')}` } }));
    const res = await upload(admin, [...lines, lines[0]].join('\n'), '?background=true');
    expect(res.statusCode).toBe(202);
    const queued = res.json();
    expect(queued).toMatchObject({ status: 'queued', total: 31, processed: 0 });
    expect(await count(t.database.db, sql`select count(*) as n from jobs where name = 'import.tickets' and payload->>'importId' = ${queued.id}`)).toBe(1);
    await runImport(t.database.db, admin.user.tenant.id, queued.id); // what the worker calls
    const done = (await admin.request({ method: 'GET', url: `/api/v1/import/jobs/${queued.id}` })).json();
    expect(done).toMatchObject({ status: 'completed', imported: 30, skipped: 1, failed: 0, progressPercent: 100 });
    expect(await count(t.database.db, sql`select count(*) as n from audit_log where entity_type = 'import' and entity_id = ${queued.id}`)).toBe(1);
    expect(await count(t.database.db, sql`select count(*) as n from outbox_events where type = 'import.completed' and entity_id = ${queued.id}`)).toBe(1);
    expect(await count(t.database.db, sql`select count(*) as n from audit_log where entity_type = 'ticket' and tenant_id = ${admin.user.tenant.id}`)).toBe(0);
  });

  it('is for admins and managers only, and hides other tenants\' imports', async () => {
    const agent = await signIn(t.app, await createUser(t.database, admin.user.tenant, ['agent']));
    expect((await upload(agent, JSON.stringify(washer))).statusCode).toBe(403);
    expect((await agent.request({ method: 'GET', url: `/api/v1/import/jobs/${jobId}` })).statusCode).toBe(403);
    const manager = await signIn(t.app, await createUser(t.database, admin.user.tenant, ['manager']));
    expect((await manager.request({ method: 'GET', url: `/api/v1/import/jobs/${jobId}` })).statusCode).toBe(200);
    const intruder = await sessionWithRoles(t, ['admin']);
    await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/import', jobId);
    expect((await intruder.request({ method: 'GET', url: '/api/v1/import/jobs' })).json().items).toEqual([]);
  });
});
