import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, sessionWithRoles, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';
import { createCnStandard } from '../../platform/calendar/calendar.service.ts';
import { teams } from '../../platform/teams/teams.schema.ts';
import { createDefaultPolicies } from '../sla/index.ts';
import { TicketListQuery, type Ticket } from './tickets.contract.ts';
import { ticketListStatement } from './ticket-list.ts';
import { ticketDetailStatement } from './ticket-read.ts';
import { rows } from '../../platform/db/db.ts';

/**
 * The list is one prepared statement per shape of query (which filters, sort, cursor kind, page size) and
 * its rows are JSON written by PostgreSQL (ticket-list.ts). Every filter and sort, alone and combined, must
 * give exactly the tickets a plain filter of the whole list gives, in order, page by page.
 */
let t: TestApp;
let agent: Session;
let other: Session;
let teamId: string;
const all: Ticket[] = [];
beforeAll(async () => {
  t = await createTestApp();
  agent = await sessionWithRoles(t, ['agent']);
  other = await sessionWithRoles(t, ['agent']);
  for (const s of [agent, other]) {
    const ctx = s.user.tenant.ctx;
    await ctx.tx(async (tx) => {
      await createCnStandard(joinTx(ctx, tx));
      await createDefaultPolicies(joinTx(ctx, tx));
    });
  }
  [{ id: teamId }] = await t.database.db.insert(teams).values({ tenantId: agent.user.tenant.id, name: 'L1' }).returning({ id: teams.id });
  const types = ['inquiry', 'repair', 'complaint'] as const;
  const priorities = ['p1', 'p2', 'p3', 'p4'] as const;
  for (let i = 0; i < 14; i++) {
    const body = {
      subject: `列表 ${i}`,
      type: types[i % 3],
      priority: priorities[i % 4],
      tags: i % 2 ? ['vip'] : [],
      ...(i % 3 === 0 ? { assigneeId: agent.user.id } : {}),
      ...(i % 4 !== 1 ? { teamId } : {}),
      ...(i % 5 ? { customer: { name: `客户 ${i % 4}`, phone: `1380013800${i % 4}` } } : {}),
      ...(i === 7 ? { customFields: {} } : {}),
    };
    const res = await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: body });
    expect(res.statusCode).toBe(201);
  }
  // another tenant's ticket; that tenant cannot file one under this tenant's team
  expect((await other.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '列表 other tenant', teamId } })).statusCode).toBe(422);
  expect((await other.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '列表 other tenant' } })).statusCode).toBe(201);
  // statuses, a paused clock and targets already past, straight in the table: the list must show them as they are
  const tenantId = agent.user.tenant.id;
  await t.database.db.execute(sql`update tickets set status = 'open' where tenant_id = ${tenantId} and subject in ('列表 1', '列表 2', '列表 5', '列表 9')`);
  await t.database.db.execute(sql`update tickets set status = 'pending', sla_paused_at = now() - interval '1 hour' where tenant_id = ${tenantId} and subject = '列表 3'`);
  await t.database.db.execute(
    sql`update tickets set first_response_due_at = now() - interval '2 hours', sla_due_at = now() - interval '2 hours' where tenant_id = ${tenantId} and subject in ('列表 5', '列表 6')`,
  );
  await t.database.db.execute(sql`update tickets set status = 'resolved', resolved_at = now(), sla_due_at = null where tenant_id = ${tenantId} and subject = '列表 8'`);
  all.push(...(await agent.request({ method: 'GET', url: '/api/v1/tickets?limit=200' })).json().items);
});
afterAll(() => t.close());

async function pages(s: Session, query: string, limit: number): Promise<Ticket[]> {
  const out: Ticket[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const res = await s.request({ method: 'GET', url: `/api/v1/tickets?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}` });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    out.push(...p.items);
    cursor = p.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('no end of pages');
}

// code-point order (ISO instants and uuids sort as text); '~' after every digit puts "no due time" last
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const slaKey = (x: Ticket) => `${x.sla.dueAt ?? '~'} ${x.id}`;
const sorts: Record<string, (a: Ticket, b: Ticket) => number> = {
  created_desc: (a, b) => byText(b.createdAt, a.createdAt) || byText(b.id, a.id),
  updated_desc: (a, b) => byText(b.updatedAt, a.updatedAt) || byText(b.id, a.id),
  sla_due: (a, b) => byText(slaKey(a), slaKey(b)),
};

describe('ticket list', () => {
  it('holds the tenant’s tickets only, with the SLA as the ticket page shows it', async () => {
    expect(all).toHaveLength(14);
    expect(all.some((x) => x.subject.includes('other tenant'))).toBe(false);
    const bySubject = new Map(all.map((x) => [x.subject, x]));
    expect(bySubject.get('列表 5')!.sla.breached).toEqual(['first_response']);
    expect(bySubject.get('列表 3')!.sla.pausedAt).not.toBeNull();
    expect(bySubject.get('列表 8')!.status).toBe('resolved');
    for (const x of all) {
      const { messages: _m, events: _e, ...detail } = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${x.id}` })).json();
      expect(x).toEqual(detail);
    }
  });

  it('gives every filter and sort, alone and combined, exactly the matching tickets in order, page by page', async () => {
    const me = agent.user.id;
    const filters: Record<string, (x: Ticket) => boolean> = {
      '': () => true,
      'status=open': (x) => x.status === 'open',
      'status=new,open,pending': (x) => ['new', 'open', 'pending'].includes(x.status),
      'type=repair,complaint': (x) => x.type !== 'inquiry',
      'priority=p1': (x) => x.priority === 'p1',
      [`teamId=${teamId}`]: (x) => x.teamId === teamId,
      tag: (x) => x.tags.includes('vip'),
      'assignee=me': (x) => x.assigneeId === me,
      'assignee=none': (x) => x.assigneeId === null,
      [`assignee=${me}&status=new`]: (x) => x.assigneeId === me && x.status === 'new',
      [`teamId=${teamId}&status=open&priority=p2,p3`]: (x) => x.teamId === teamId && x.status === 'open' && ['p2', 'p3'].includes(x.priority),
    };
    const customerId = all.find((x) => x.customerId)!.customerId!;
    filters[`customerId=${customerId}`] = (x) => x.customerId === customerId;
    let checked = 0;
    for (const [filter, keep] of Object.entries(filters)) {
      const query = filter === 'tag' ? 'tag=vip' : filter;
      for (const [sort, cmp] of Object.entries(sorts)) {
        const expected = all.filter(keep).sort(cmp).map((x) => x.subject);
        for (const limit of [2, 5, 200]) {
          const got = (await pages(agent, `${query}&sort=${sort}`, limit)).map((x) => x.subject);
          expect({ filter, sort, limit, got }).toEqual({ filter, sort, limit, got: expected });
          checked += got.length;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
    // another tenant's agent sees none of these, by the team's id or any other way
    expect(await pages(other, `teamId=${teamId}&sort=sla_due`, 2)).toHaveLength(0);
    expect((await pages(other, `customerId=${customerId}`, 2)).length).toBe(0);
    expect((await pages(other, 'sort=updated_desc', 2)).map((x) => x.subject)).toEqual(['列表 other tenant']);
  });

  it('answers the same past the number of list shapes it prepares (every page size is a shape)', async () => {
    const expected = all.filter((x) => x.status === 'new').sort(sorts.created_desc).map((x) => x.subject);
    for (let limit = 1; limit <= 140; limit++) {
      const p = (await agent.request({ method: 'GET', url: `/api/v1/tickets?status=new&limit=${limit}` })).json();
      expect(p.items.map((x: Ticket) => x.subject)).toEqual(expected.slice(0, limit));
      expect(p.nextCursor === null).toBe(limit >= expected.length);
    }
  });

  it('gives the benchmark, for EXPLAIN, the statements the pages run: same rows, same order, same text', async () => {
    const tenantId = agent.user.tenant.id;
    const db = t.database.db;
    const query = (q: string) => TicketListQuery.parse(Object.fromEntries(new URLSearchParams(q)));
    for (const q of [`teamId=${teamId}&status=open,new&sort=sla_due&limit=3`, 'sort=updated_desc&tag=vip', 'assignee=none&priority=p2,p4']) {
      const page = (await agent.request({ method: 'GET', url: `/api/v1/tickets?${q}` })).json();
      // raw rows: drizzle names no columns, so the values are read in select order (id, sort key, json)
      const got = await rows<Record<string, unknown>>(db, sql`${ticketListStatement(db, tenantId, agent.user.id, query(q))!}`);
      expect(got.slice(0, page.items.length).map((r) => JSON.parse(String(Object.values(r)[2])))).toEqual(page.items);
      expect(got.length).toBe(page.items.length + (page.nextCursor ? 1 : 0));
    }
    const hits = await rows<Record<string, unknown>>(db, sql`${ticketListStatement(db, tenantId, null, query('q=列表'))!}`);
    const found = (await agent.request({ method: 'GET', url: '/api/v1/tickets?q=列表' })).json();
    expect(found.items.length).toBeGreaterThan(10);
    expect(hits.slice(0, found.items.length).map((h) => Object.values(h)[0])).toEqual(found.items.map((x: Ticket) => x.id));
    expect(ticketListStatement(db, tenantId, null, query('assignee=me'))).toBeNull();
    const [detail] = await rows<Record<string, unknown>>(db, sql`${ticketDetailStatement(db, tenantId, all[0].id)}`);
    expect(JSON.parse(String(Object.values(detail)[0]))).toEqual((await agent.request({ method: 'GET', url: `/api/v1/tickets/${all[0].id}` })).json());
    // another tenant's id gives nothing
    expect(await rows(db, sql`${ticketDetailStatement(db, other.user.tenant.id, all[0].id)}`)).toEqual([]);
  });

  it('refuses a cursor from another sort or a forged one with 400', async () => {
    const page = (await agent.request({ method: 'GET', url: '/api/v1/tickets?sort=created_desc&limit=2' })).json();
    const forged = Buffer.from(JSON.stringify([1, 2])).toString('base64url');
    for (const cursor of [forged, 'not-base64-json']) {
      const res = await agent.request({ method: 'GET', url: `/api/v1/tickets?sort=sla_due&cursor=${cursor}` });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('bad_cursor');
    }
    expect(page.nextCursor).toBeTruthy();
  });
});
