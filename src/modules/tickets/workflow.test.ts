import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp, type TestUser } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';
import { createCnStandard, createCalendar } from '../../platform/calendar/calendar.service.ts';
import { createDefaultPolicies } from '../sla/index.ts';
import { enqueue, startWorker } from '../../platform/jobs/index.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import { SLA_CHECK_JOB } from './ticket-sla.ts';

let t: TestApp;
let admin: Session;
let agents: TestUser[];
let l1: string;
let l2: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
  const ctx = admin.user.tenant.ctx;
  await ctx.tx(async (tx) => {
    await createCnStandard(joinTx(ctx, tx));
    await createDefaultPolicies(joinTx(ctx, tx));
  });
  agents = [];
  for (let i = 0; i < 3; i++) agents.push(await createUser(t.database, admin.user.tenant, ['agent']));
  const specialist = await createUser(t.database, admin.user.tenant, ['specialist']);
  l1 = (await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'L1', members: agents.map((a) => ({ userId: a.id })) } })).json().id;
  l2 = (await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'L2', members: [{ userId: specialist.id }] } })).json().id;
  await admin.request({ method: 'PUT', url: `/api/v1/teams/${l2}/routing`, payload: { version: 0, mode: 'least_loaded' } });
});
afterAll(() => t.close());

const create = (body: object) => admin.request({ method: 'POST', url: '/api/v1/tickets', payload: body });
const setMode = async (mode: string, extra: object = {}) => {
  const cur = (await admin.request({ method: 'GET', url: `/api/v1/teams/${l1}/routing` })).json();
  const res = await admin.request({ method: 'PUT', url: `/api/v1/teams/${l1}/routing`, payload: { version: cur.version, mode, ...extra } });
  expect(res.statusCode).toBe(200);
};

describe('assignment', () => {
  it('round robin goes through the team in turn', async () => {
    await setMode('round_robin');
    const got: string[] = [];
    for (let i = 0; i < 6; i++) got.push((await create({ subject: `rr ${i}`, teamId: l1 })).json().assigneeId);
    expect(new Set(got.slice(0, 3)).size).toBe(3);
    expect(got.slice(3)).toEqual(got.slice(0, 3));
  });

  it('least loaded picks the agent with the fewest open tickets', async () => {
    await setMode('least_loaded');
    const loads = await rows<{ assignee_id: string; n: number }>(
      t.database.db,
      sql`select assignee_id, count(*)::int as n from tickets where team_id = ${l1} and status in ('new','open','pending','on_hold') group by assignee_id`,
    );
    const min = Math.min(...agents.map((a) => loads.find((l) => l.assignee_id === a.id)?.n ?? 0));
    const picked = (await create({ subject: 'll', teamId: l1 })).json().assigneeId;
    expect(loads.find((l) => l.assignee_id === picked)?.n ?? 0).toBe(min);
  });

  it('skills match tags and custom fields (region, product line, language)', async () => {
    await setMode('skills');
    const expert = agents[1];
    await admin.request({ method: 'PUT', url: `/api/v1/users/${expert.id}/skills`, payload: { skills: [{ kind: 'skill', value: 'Refrigerator' }, { kind: 'region', value: '广东' }] } });
    const tk = (await create({ subject: '冰箱', teamId: l1, tags: ['refrigerator'], customFields: { region: '广东' } })).json();
    expect(tk.assigneeId).toBe(expert.id);
  });

  it('VIP customers go to their dedicated agent', async () => {
    const first = (await create({ subject: 'vip', customer: { phone: '13900001111', name: 'VIP 王' } })).json();
    await t.database.db.execute(sql`update customers set dedicated_agent_id = ${agents[2].id}, tier = 'vip' where id = ${first.customerId}`);
    const tk = (await create({ subject: 'vip again', teamId: l1, customer: { phone: '+86 139 0000 1111' } })).json();
    expect(tk.assigneeId).toBe(agents[2].id);
  });
});

describe('escalation', () => {
  it('L1 → L2 with a reason, and hand-back', async () => {
    await setMode('manual', { escalationTeamId: l2 });
    const tk = (await create({ subject: '变频器报错 E5', teamId: l1 })).json();
    const up = await admin.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/escalate`, payload: { version: tk.version, reason: '需要远程诊断' } });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ teamId: l2 });
    expect(up.json().assigneeId).toBeTruthy();
    const back = await admin.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/hand-back`, payload: { version: up.json().version, reason: '已给出方案' } });
    expect(back.json().teamId).toBe(l1);
    const events = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json().events;
    expect(events.filter((e: { type: string }) => ['escalated', 'handed_back'].includes(e.type)).map((e: { data: { reason: string } }) => e.data.reason)).toEqual(['需要远程诊断', '已给出方案']);
    const again = await admin.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/hand-back`, payload: { version: back.json().version, reason: 'x' } });
    expect(again.json().code).toBe('not_escalated');
  });

  it('a breached SLA target is recorded once and escalates automatically when the team asks for it', async () => {
    await setMode('manual', { escalationTeamId: l2, escalateOnBreach: true });
    const tk = (await create({ subject: 'urgent', type: 'inquiry', teamId: l1 })).json();
    // let the first-response target run out: move it into the past and queue the check for it
    const due = new Date(Date.now() - 60_000);
    await t.database.db.execute(sql`update tickets set first_response_due_at = ${due.toISOString()}, sla_due_at = ${due.toISOString()} where id = ${tk.id}`);
    const payload = { ticketId: tk.id, target: 'first_response', kind: 'breach', dueAt: due.toISOString() };
    await enqueue(t.database.db, { tenantId: admin.user.tenant.id, name: SLA_CHECK_JOB, payload, dedupeKey: `test-breach-${tk.id}` });
    await enqueue(t.database.db, { tenantId: admin.user.tenant.id, name: SLA_CHECK_JOB, payload, dedupeKey: `test-breach-again-${tk.id}` });
    const worker = startWorker(t.database, { pollMs: 20 });
    try {
      const detail = await waitFor(async () => {
        const d = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json();
        return d.teamId === l2 ? d : null;
      }, 'automatic escalation');
      expect(detail.sla.breached).toContain('first_response');
      await waitFor(async () => (await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from jobs where dedupe_key like ${`test-breach%${tk.id}`} and status = 'done'`))[0].n === 2, 'both checks');
      const final = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json();
      expect(final.events.filter((e: { type: string }) => e.type === 'sla_breached')).toHaveLength(1);
      expect(final.events.filter((e: { type: string }) => e.type === 'escalated')).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });
});

describe('macros, merge, links, bulk and views', () => {
  it('a macro replies with variables and changes fields in one step', async () => {
    const agent = await signIn(t.app, agents[0]);
    const macro = (await admin.request({ method: 'POST', url: '/api/v1/macros', payload: { name: '已安排上门', body: '{{customer.name}}您好，工单 {{ticket.number}} 已安排师傅上门。', actions: { status: 'pending', addTags: ['上门'] } } })).json();
    const tk = (await create({ subject: '空调不制热', customer: { name: '李四', email: 'lisi@example.cn' } })).json();
    const res = await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/apply-macro`, payload: { version: tk.version, macroId: macro.id } });
    expect(res.statusCode).toBe(200);
    expect(res.json().message.body).toBe(`李四您好，工单 ${tk.number} 已安排师傅上门。`);
    expect(res.json().ticket).toMatchObject({ status: 'pending', tags: ['上门'] });
    const stale = await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/apply-macro`, payload: { version: tk.version, macroId: macro.id } });
    expect(stale.statusCode).toBe(409);
  });

  it('merge moves the conversation, closes the source and tells the customer', async () => {
    const a = (await create({ subject: 'dup 1', customer: { email: 'dup@example.cn' } })).json();
    const b = (await create({ subject: 'dup 2', customer: { email: 'dup@example.cn' } })).json();
    await admin.request({ method: 'POST', url: `/api/v1/tickets/${a.id}/messages`, payload: { kind: 'note', body: 'first note' } });
    const res = await admin.request({ method: 'POST', url: `/api/v1/tickets/${a.id}/merge`, payload: { version: a.version, intoTicketId: b.id } });
    expect(res.statusCode).toBe(200);
    const src = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${a.id}` })).json();
    const dst = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${b.id}` })).json();
    expect(src.status).toBe('closed');
    expect(src.messages.map((m: { kind: string }) => m.kind)).toEqual(['auto']);
    expect(src.messages[0].body).toContain(b.number);
    expect(dst.messages.map((m: { body: string }) => m.body)).toContain('first note');
    const links = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${b.id}/links` })).json();
    expect(links).toEqual([expect.objectContaining({ ticketId: a.id, kind: 'duplicate' })]);
    // the moved note is found on the target now, no longer on the source
    const found = (await admin.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('first note')}` })).json().items.map((x: { id: string }) => x.id);
    expect(found).toContain(b.id);
    expect(found).not.toContain(a.id);
  });

  it('split moves chosen messages to a new linked ticket for the same customer', async () => {
    const tk = (await create({ subject: '两个问题', customer: { email: 'two@example.cn' } })).json();
    const agent = await signIn(t.app, agents[0]);
    const m1 = (await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'note', body: '冰箱的问题' } })).json();
    const m2 = (await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'note', body: '洗衣机的问题' } })).json();
    const cur = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json();
    const res = await admin.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/split`, payload: { version: cur.version, messageIds: [m2.id], subject: '洗衣机' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().customerId).toBe(tk.customerId);
    const after = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json();
    expect(after.messages.map((m: { id: string }) => m.id)).toEqual([m1.id]);
    const moved = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${res.json().id}` })).json();
    expect(moved.messages.map((m: { id: string }) => m.id)).toEqual([m2.id]);
    expect((await admin.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}/links` })).json()[0]).toMatchObject({ ticketId: res.json().id, kind: 'related' });
    const found = async (q: string) => (await admin.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent(q)}` })).json().items.map((x: { id: string }) => x.id);
    expect(await found('冰箱')).toContain(tk.id);
    expect(await found('洗衣')).toContain(res.json().id);
    expect(await found('洗衣')).not.toContain(tk.id);
  });

  it('@mentions in a note name colleagues in the history and the outbox', async () => {
    const tk = (await create({ subject: 'mention' })).json();
    const colleague = agents[1];
    const local = colleague.email.split('@')[0];
    await admin.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'note', body: `请 @${local} 看一下，@nobody 不存在` } });
    const ev = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json().events.find((e: { type: string }) => e.type === 'mentioned');
    expect(ev.data.users.map((u: { id: string }) => u.id)).toEqual([colleague.id]);
    const [{ n }] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from outbox_events where type = 'ticket.mentioned' and entity_id = ${tk.id}`);
    expect(n).toBe(1);
  });

  it('parent/child links read from both sides', async () => {
    const p = (await create({ subject: 'batch fault' })).json();
    const c = (await create({ subject: 'one unit' })).json();
    expect((await admin.request({ method: 'POST', url: `/api/v1/tickets/${p.id}/links`, payload: { otherId: c.id, kind: 'parent' } })).statusCode).toBe(204);
    expect((await admin.request({ method: 'GET', url: `/api/v1/tickets/${p.id}/links` })).json()[0].kind).toBe('child');
    expect((await admin.request({ method: 'GET', url: `/api/v1/tickets/${c.id}/links` })).json()[0].kind).toBe('parent');
  });

  it('bulk changes report per ticket', async () => {
    const a = (await create({ subject: 'bulk a' })).json();
    const b = (await create({ subject: 'bulk b' })).json();
    await admin.request({ method: 'PATCH', url: `/api/v1/tickets/${b.id}`, payload: { version: b.version, status: 'resolved' } });
    const res = await admin.request({ method: 'POST', url: '/api/v1/tickets/bulk', headers: { 'accept-language': 'en' }, payload: { ids: [a.id, b.id], changes: { status: 'on_hold', addTags: ['parts'] } } });
    const out = res.json();
    expect(out[0]).toMatchObject({ id: a.id, ok: true });
    expect(out[1]).toMatchObject({ id: b.id, ok: false, code: 'invalid_transition' });
    expect(out[1].message).toContain('resolved');
  });

  it('saved views are private or shared with a team', async () => {
    const mine = await admin.request({ method: 'POST', url: '/api/v1/views', payload: { name: '我的紧急', query: { priority: 'p1', assignee: 'me' } } });
    expect(mine.statusCode).toBe(201);
    await admin.request({ method: 'POST', url: '/api/v1/views', payload: { name: 'L1 queue', teamId: l1, query: { teamId: l1, status: 'new,open', sort: 'sla_due' } } });
    const member = await signIn(t.app, agents[0]);
    const seen = (await member.request({ method: 'GET', url: '/api/v1/views' })).json().map((v: { name: string }) => v.name);
    expect(seen).toEqual(['L1 queue']);
    expect((await member.request({ method: 'DELETE', url: `/api/v1/views/${mine.json().id}` })).statusCode).toBe(404);
  });
});

describe('a calendar open around the clock', () => {
  it('can be created for 24/7 support', async () => {
    const all = [{ start: '00:00', end: '24:00' }];
    const res = await createCalendar(admin.user.tenant.ctx, { code: '24x7', name: '24/7', timeZone: 'UTC', weeklyHours: { mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all }, includeChinaOfficial: false, days: [] });
    expect(res.code).toBe('24x7');
  });
});
