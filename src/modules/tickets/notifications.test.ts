import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp, type TestUser } from '../../platform/http/test-app.ts';
import { quietWorkerLog, startWorker, type Worker } from '../../platform/jobs/worker.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import type { DomainEvent } from '../../platform/outbox/outbox.ts';
import { onSla } from './notifications.jobs.ts';

let t: TestApp;
let worker: Worker;
let admin: Session;
let author: Session;
let mentioned: Session;
let bystander: Session;
let outsider: Session;
let specialist: TestUser;
let lead: TestUser;
let manager: TestUser;

const handle = (u: TestUser) => u.email.split('@')[0];
const list = async (s: Session, query = '') => {
  const res = await s.request({ method: 'GET', url: `/api/v1/notifications${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: string; kind: string; entityId: string; params: Record<string, unknown>; readAt: string | null }[]; unreadCount: number; nextCursor: string | null };
};
const newTicket = async (body: object = {}) => {
  const res = await admin.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '洗碗机漏水', ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; number: string; version: number; teamId: string | null };
};
const waitForCount = (s: Session, kind: string, n: number) =>
  waitFor(async () => {
    const items = (await list(s)).items.filter((i) => i.kind === kind);
    return items.length >= n ? items : null;
  }, `${n} × ${kind}`);

beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
  const tenant = admin.user.tenant;
  author = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  mentioned = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  bystander = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  specialist = await createUser(t.database, tenant, ['specialist']);
  lead = await createUser(t.database, tenant, ['agent']);
  manager = await createUser(t.database, tenant, ['manager']);
  outsider = await sessionWithRoles(t, ['admin'], await createTenant(t.database));
  worker = startWorker(t.database, { pollMs: 20, schedules: false, log: quietWorkerLog });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

describe('ticket notifications', () => {
  it('an @mention notifies the mentioned colleague only, and only they can read or mark it', async () => {
    const tk = await newTicket();
    const res = await author.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'note', body: `@${handle(mentioned.user)} 请看一下，@${handle(author.user)} 自己不算` } });
    expect(res.statusCode, res.body).toBe(201);
    const [n] = await waitForCount(mentioned, 'ticket.mentioned', 1);
    expect(n).toMatchObject({ entityId: tk.id, readAt: null, params: { number: tk.number, subject: '洗碗机漏水', note: true } });
    expect((await list(mentioned)).unreadCount).toBe(1);
    // the author (who mentioned themselves too), a colleague and another tenant see nothing
    for (const s of [author, bystander, outsider]) expect((await list(s)).items.filter((i) => i.kind === 'ticket.mentioned')).toEqual([]);
    // nobody else can mark it: 404, not 403, and it stays unread
    for (const s of [bystander, outsider, admin]) {
      expect((await s.request({ method: 'POST', url: `/api/v1/notifications/${n.id}/read` })).statusCode).toBe(404);
      await s.request({ method: 'POST', url: '/api/v1/notifications/read-all' });
    }
    expect((await list(mentioned)).items.find((i) => i.id === n.id)?.readAt).toBeNull();
    const read = await mentioned.request({ method: 'POST', url: `/api/v1/notifications/${n.id}/read` });
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).toBeTruthy();
    expect((await list(mentioned)).unreadCount).toBe(0);
  });

  it('a new assignee hears of it (single and bulk), but not when they take the ticket themselves', async () => {
    const a = await newTicket();
    const b = await newTicket();
    const c = await newTicket();
    const patch = await admin.request({ method: 'PATCH', url: `/api/v1/tickets/${a.id}`, payload: { version: a.version, assigneeId: mentioned.user.id } });
    expect(patch.statusCode, patch.body).toBe(200);
    const bulk = await admin.request({ method: 'POST', url: '/api/v1/tickets/bulk', payload: { ids: [b.id, c.id], changes: { assigneeId: mentioned.user.id } } });
    expect(bulk.json().every((r: { ok: boolean }) => r.ok)).toBe(true);
    const got = await waitForCount(mentioned, 'ticket.assigned', 3);
    expect(new Set(got.map((g) => g.entityId))).toEqual(new Set([a.id, b.id, c.id]));
    // a later change that keeps the assignee does not notify again
    await admin.request({ method: 'PATCH', url: `/api/v1/tickets/${a.id}`, payload: { version: patch.json().version, priority: 'p1' } });
    const self = await newTicket();
    await bystander.request({ method: 'PATCH', url: `/api/v1/tickets/${self.id}`, payload: { version: self.version, assigneeId: bystander.user.id } });
    const marker = await newTicket();
    await admin.request({ method: 'PATCH', url: `/api/v1/tickets/${marker.id}`, payload: { version: marker.version, assigneeId: bystander.user.id } });
    // the marker's notification arrives after the events before it were handled
    const byst = await waitForCount(bystander, 'ticket.assigned', 1);
    expect(byst.map((x) => x.entityId)).toEqual([marker.id]);
    expect((await list(mentioned)).items.filter((i) => i.kind === 'ticket.assigned')).toHaveLength(3);
    const all = await mentioned.request({ method: 'POST', url: '/api/v1/notifications/read-all' });
    expect(all.json()).toMatchObject({ updated: 3, unreadCount: 0 });
  });

  it('an escalation notifies the agent the L2 team picked, or its leads', async () => {
    const l2 = (await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'L2', members: [{ userId: specialist.id }, { userId: lead.id, isLead: true }] } })).json().id;
    const l1 = (await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'L1', members: [{ userId: author.user.id }] } })).json().id;
    const cur = (await admin.request({ method: 'GET', url: `/api/v1/teams/${l1}/routing` })).json();
    await admin.request({ method: 'PUT', url: `/api/v1/teams/${l1}/routing`, payload: { version: cur.version, mode: 'manual', escalationTeamId: l2 } });
    const tk = await newTicket({ teamId: l1 });
    const up = await author.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/escalate`, payload: { version: tk.version, reason: '需要远程诊断' } });
    expect(up.statusCode, up.body).toBe(200);
    // manual routing on L2 picks nobody: the lead hears of it, the other member does not
    const leadSession = await signIn(t.app, lead);
    const [n] = await waitForCount(leadSession, 'ticket.escalated', 1);
    expect(n.params).toMatchObject({ number: tk.number, reason: '需要远程诊断' });
    expect((await list(await signIn(t.app, specialist))).items.filter((i) => i.kind === 'ticket.escalated')).toEqual([]);
  });

  it('an SLA breach notifies the assignee and the team lead, or the managers when there is no lead; once', async () => {
    const team = (await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Field', members: [{ userId: bystander.user.id }, { userId: lead.id, isLead: true }] } })).json().id;
    const tk = await newTicket({ teamId: team, assigneeId: bystander.user.id });
    const loose = await newTicket({ assigneeId: bystander.user.id });
    const event = (ticketId: string, teamId: string | null): DomainEvent => ({
      id: 1,
      tenantId: admin.user.tenant.id,
      type: 'ticket.sla_breached',
      entityType: 'ticket',
      entityId: ticketId,
      payload: { target: 'resolution', dueAt: '2026-01-01T00:00:00.000Z', number: '?', assigneeId: bystander.user.id, teamId },
      createdAt: new Date(),
    });
    expect(await onSla(t.database.db, event(tk.id, team))).toBe(2);
    expect(await onSla(t.database.db, event(tk.id, team))).toBe(0);
    // no team, so no lead: the assignee and the managers
    expect(await onSla(t.database.db, event(loose.id, null))).toBe(2);
    const leadItems = (await list(await signIn(t.app, lead))).items.filter((i) => i.kind === 'ticket.sla_breached');
    expect(leadItems.map((i) => i.entityId)).toEqual([tk.id]);
    const managerItems = (await list(await signIn(t.app, manager))).items.filter((i) => i.kind === 'ticket.sla_breached');
    expect(managerItems.map((i) => [i.entityId, i.params.number, i.params.target])).toEqual([[loose.id, loose.number, 'resolution']]);
    expect((await list(bystander)).items.filter((i) => i.kind === 'ticket.sla_breached')).toHaveLength(2);
    // a ticket id from another tenant is ignored
    expect(await onSla(t.database.db, { ...event(tk.id, team), tenantId: outsider.user.tenant.id })).toBe(0);
  });
});
