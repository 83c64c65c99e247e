import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';
import { createCnStandard } from '../../platform/calendar/calendar.service.ts';
import { createDefaultPolicies } from '../sla/index.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';

let t: TestApp;
let agent: Session;
beforeAll(async () => {
  t = await createTestApp();
  agent = await sessionWithRoles(t, ['agent']);
  const ctx = agent.user.tenant.ctx;
  await ctx.tx(async (tx) => {
    await createCnStandard(joinTx(ctx, tx));
    await createDefaultPolicies(joinTx(ctx, tx));
  });
});
afterAll(() => t.close());

const create = (s: Session, body: object, headers: Record<string, string> = {}) => s.request({ method: 'POST', url: '/api/v1/tickets', payload: body, headers });

describe('tickets', () => {
  it('numbers tickets per tenant and recognises the same customer across channels', async () => {
    const a = (await create(agent, { subject: '冰箱不制冷', type: 'repair', channel: 'phone', customer: { name: '张三', phone: '+86 138-0013-8000' } })).json();
    const b = (await create(agent, { subject: '催单', channel: 'web_form', customer: { phone: '13800138000', email: 'zhang.san@example.cn' } })).json();
    const c = (await create(agent, { subject: 'Follow-up', channel: 'email', customer: { email: 'ZHANG.SAN@example.cn' } })).json();
    expect(a.number).toMatch(/^T-\d{4}-0000\d\d$/);
    expect(Number(b.number.slice(-6))).toBe(Number(a.number.slice(-6)) + 1);
    expect(a.customerId).toBeTruthy();
    expect(b.customerId).toBe(a.customerId);
    expect(c.customerId).toBe(a.customerId);
    expect(c.customerName).toBe('张三');
    const list = (await agent.request({ method: 'GET', url: `/api/v1/tickets?customerId=${a.customerId}` })).json();
    expect(list.items).toHaveLength(3);
  });

  it('applies the SLA policy by type: complaints get 24 h response and 48 h resolution in business time', async () => {
    const res = await create(agent, { subject: '投诉：维修师傅迟到', type: 'complaint' });
    expect(res.statusCode).toBe(201);
    const tk = res.json();
    expect(tk.sla.policyName).toContain('Complaints');
    expect(tk.sla.firstResponseDueAt).toBeTruthy();
    expect(tk.sla.resolutionDueAt).toBeTruthy();
    const [{ fr, res: rm }] = await rows<{ fr: number; res: number }>(
      t.database.db,
      sql`select first_response_due_at > created_at as fr, resolution_due_at > first_response_due_at as res from tickets where id = ${tk.id}`,
    );
    expect(fr).toBe(true);
    expect(rm).toBe(true);
    const mins = await agent.request({
      method: 'GET',
      url: `/api/v1/calendars/cn-standard/business-minutes?from=${encodeURIComponent(tk.createdAt)}&to=${encodeURIComponent(tk.sla.resolutionDueAt)}`,
    });
    expect(mins.json().minutes).toBe(48 * 60);
    const jobs = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from jobs where name = 'tickets.sla_check' and payload->>'ticketId' = ${tk.id}`);
    expect(jobs[0].n).toBe(4); // warning + breach for first response and resolution
  });

  it('stops the first-response clock on a public reply, not on a note; pending pauses the clock', async () => {
    const tk = (await create(agent, { subject: 'How do I descale?', type: 'inquiry' })).json();
    const note = await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'note', body: '@specialist please check' } });
    expect(note.statusCode).toBe(201);
    let detail = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json();
    expect(detail.sla.firstRespondedAt).toBeNull();
    expect(detail.status).toBe('new');
    await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'public', body: '您好，请按说明书第5页操作。' } });
    detail = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json();
    expect(detail.sla.firstRespondedAt).toBeTruthy();
    expect(detail.status).toBe('open');
    expect(detail.messages.map((m: { kind: string }) => m.kind)).toEqual(['note', 'public']);
    const pending = await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { version: detail.version, status: 'pending' } });
    expect(pending.json().sla.pausedAt).toBeTruthy();
    expect(pending.json().sla.dueAt).toBeNull();
    const events = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json().events.map((e: { type: string }) => e.type);
    expect(events).toEqual(['created', 'message_added', 'status_changed', 'message_added', 'status_changed']);
  });

  it('follows the transition table and reopens a resolved ticket', async () => {
    const tk = (await create(agent, { subject: 'Broken door', type: 'repair' })).json();
    const bad = await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, headers: { 'accept-language': 'en' }, payload: { version: 1, status: 'closed' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('invalid_transition');
    const done = (await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { version: 1, status: 'resolved' } })).json();
    expect(done.sla.resolvedAt).toBeTruthy();
    const reopened = await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { version: done.version, status: 'open' } });
    expect(reopened.json().status).toBe('open');
    const [{ reopen_count }] = await rows<{ reopen_count: number }>(t.database.db, sql`select reopen_count from tickets where id = ${tk.id}`);
    expect(reopen_count).toBe(1);
  });

  it('lets one of two concurrent editors win; the other gets 409 with the current version', async () => {
    const tk = (await create(agent, { subject: 'Race' })).json();
    const other = await signIn(t.app, await createUser(t.database, agent.user.tenant, ['agent']));
    const [a, b] = await Promise.all([
      agent.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { version: 1, priority: 'p1' } }),
      other.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { version: 1, priority: 'p4' } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect((a.statusCode === 409 ? a : b).json().currentVersion).toBe(2);
  });

  it('creates one ticket for a retried create with the same Idempotency-Key', async () => {
    const h = { 'idempotency-key': 'ticket-retry-1' };
    const first = await create(agent, { subject: 'Only once' }, h);
    const second = await create(agent, { subject: 'Only once' }, h);
    expect(second.json().id).toBe(first.json().id);
    const [{ n }] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from tickets where subject = 'Only once'`);
    expect(n).toBe(1);
  });

  it('finds two-character Chinese words in subjects and messages, English words, and numbers', async () => {
    const tk = (await create(agent, { subject: '洗衣机无法脱水', description: 'The drum does not spin at all' })).json();
    await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'public', body: '请提供机器的序列号和购买发票' } });
    const search = async (q: string) => (await agent.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent(q)}` })).json().items.map((x: { id: string }) => x.id);
    expect(await search('脱水')).toContain(tk.id);
    expect(await search('发票')).toContain(tk.id);
    expect(await search('spinning')).toContain(tk.id);
    expect(await search(tk.number)).toContain(tk.id);
    expect(await search('冷冻')).not.toContain(tk.id);
  });

  it('searches internal notes but not automatic messages, and ranks subject hits above conversation hits', async () => {
    const inNote = (await create(agent, { subject: 'Dryer', description: 'no heat' })).json();
    await agent.request({ method: 'POST', url: `/api/v1/tickets/${inNote.id}/messages`, payload: { kind: 'note', body: '客户要求更换加热管 heating element' } });
    const inSubject = (await create(agent, { subject: '加热管坏了', description: 'replace it' })).json();
    const search = async (q: string) => (await agent.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent(q)}` })).json().items.map((x: { id: string }) => x.id);
    const hits = await search('加热管');
    expect(hits).toEqual(expect.arrayContaining([inNote.id, inSubject.id]));
    expect(hits.indexOf(inSubject.id)).toBeLessThan(hits.indexOf(inNote.id));
    expect(await search('element')).toContain(inNote.id);
    // a merge notice is an automatic message: its words do not make the ticket a hit
    const other = (await create(agent, { subject: 'Other dryer' })).json();
    const merged = await agent.request({ method: 'POST', url: `/api/v1/tickets/${other.id}/merge`, payload: { version: other.version, intoTicketId: inSubject.id } });
    expect(merged.statusCode).toBe(200);
    expect(await search('merged')).not.toContain(other.id);
  });

  it('keeps a long conversation searchable: a vector near the size limit is not extended (no error)', async () => {
    const [r] = await rows<{ small: string; capped: boolean; n: number }>(
      t.database.db,
      sql`select ticket_text_cat('a:1 b:2'::tsvector, 'c:1'::tsvector)::text as small,
            ticket_text_cat(big, 'zzz:1'::tsvector) = big as capped, length(big) as n
          from (select to_tsvector('simple', string_agg('w' || g, ' ')) as big from generate_series(1, 40000) g) x`,
    );
    expect(r.small).toBe(`'a':1 'b':2 'c':3`);
    expect(r.n).toBe(40000);
    expect(r.capped).toBe(true);
  });

  it('sorts a queue by SLA due time with cursor pagination', async () => {
    const team = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: agent.cookie } })).json();
    expect(team.permissions).toContain('tickets.read');
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const url: string = `/api/v1/tickets?status=new,open&sort=sla_due&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const p = (await agent.request({ method: 'GET', url })).json();
      seen.push(...p.items.map((x: { sla: { dueAt: string | null } }) => x.sla.dueAt ?? 'z'));
      cursor = p.nextCursor;
      if (!cursor) break;
    }
    expect(seen.length).toBeGreaterThan(3);
    expect([...seen].sort()).toEqual(seen);
  });

  it('refuses unusable contact details with field errors, and keeps a caller who only gives a name', async () => {
    const bad = await create(agent, { subject: 'x', customer: { phone: 'abc', email: 'bad@@x' } }, { 'accept-language': 'en' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().fieldErrors.map((f: { path: string }) => f.path)).toEqual(['customer.phone', 'customer.email']);
    const named = (await create(agent, { subject: 'call', channel: 'phone', customer: { name: '只有名字' } })).json();
    expect(named.customerName).toBe('只有名字');
  });

  it('rejects bad input with field errors and keeps other tenants out', async () => {
    const bad = await create(agent, { subject: '', type: 'nonsense', priority: 'p9', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fieldErrors.map((f: { path: string }) => f.path).sort()).toEqual(['extra', 'priority', 'subject', 'type']);
    const tk = (await create(agent, { subject: 'Private' })).json();
    const intruder = await signIn(t.app, await createUser(t.database, await createTenant(t.database), ['admin']));
    await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/tickets', tk.id, {
      'POST /api/v1/tickets/{id}/messages': { body: { kind: 'note', body: 'hi' } },
      'POST /api/v1/tickets/{id}/replies': { body: { kind: 'public', body: 'hi', attachmentIds: ['00000000-0000-4000-8000-000000000005'] } },
      'POST /api/v1/tickets/{id}/escalate': { body: { version: 1, reason: 'x' } },
      'POST /api/v1/tickets/{id}/hand-back': { body: { version: 1, reason: 'x' } },
      'POST /api/v1/tickets/{id}/merge': { body: { version: 1, intoTicketId: '00000000-0000-4000-8000-000000000004' } },
      'POST /api/v1/tickets/{id}/links': { body: { otherId: '00000000-0000-4000-8000-000000000002', kind: 'related' } },
      'POST /api/v1/tickets/{id}/split': { body: { version: 1, messageIds: ['00000000-0000-4000-8000-000000000005'], subject: 'x' } },
      'POST /api/v1/tickets/{id}/apply-macro': { body: { version: 1, macroId: '00000000-0000-4000-8000-000000000003' } },
    });
    expect((await intruder.request({ method: 'GET', url: '/api/v1/tickets' })).json().items).toEqual([]);
    const badAssignee = await create(agent, { subject: 'x', assigneeId: intruder.user.id });
    expect(badAssignee.statusCode).toBe(422);
  });
});
