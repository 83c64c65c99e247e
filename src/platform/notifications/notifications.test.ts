import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../http/test-app.ts';
import { expectOtherTenantsIdsToBe404 } from '../tenancy/isolation.ts';
import { notify } from './notifications.service.ts';

let t: TestApp;
let me: Session;
let colleague: Session;
let otherTenant: Session;

beforeAll(async () => {
  t = await createTestApp();
  me = await sessionWithRoles(t, ['analyst']);
  colleague = await signIn(t.app, await createUser(t.database, me.user.tenant, ['admin']));
  otherTenant = await sessionWithRoles(t, ['admin'], await createTenant(t.database));
});
afterAll(() => t.close());

const item = (userId: string, n: number) => ({ userId, kind: 'ticket.assigned', entityType: 'ticket', entityId: `e-${n}`, params: { number: `T-${n}` }, dedupeKey: `k-${n}` });

describe('notifications service and routes', () => {
  it('stores only for active users of the tenant, once per dedupe key', async () => {
    const tenant = me.user.tenant.id;
    expect(await notify(t.database.db, tenant, [1, 2, 3, 4, 5].map((n) => item(me.user.id, n)))).toBe(5);
    expect(await notify(t.database.db, tenant, [item(me.user.id, 1)])).toBe(0);
    // a user of another tenant is not a user here
    expect(await notify(t.database.db, tenant, [item(otherTenant.user.id, 6)])).toBe(0);
    expect(await notify(t.database.db, tenant, [])).toBe(0);
  });

  it('pages my notifications newest first with the unread count; others see none of them', async () => {
    const first = await me.request({ method: 'GET', url: '/api/v1/notifications?limit=2' });
    expect(first.statusCode).toBe(200);
    const p1 = first.json();
    expect(p1.unreadCount).toBe(5);
    expect(p1.items).toHaveLength(2);
    const seen = [...p1.items];
    let cursor: string | null = p1.nextCursor;
    while (cursor) {
      const p = (await me.request({ method: 'GET', url: `/api/v1/notifications?limit=2&cursor=${cursor}` })).json();
      seen.push(...p.items);
      cursor = p.nextCursor;
    }
    expect(seen.map((s: { entityId: string }) => s.entityId).sort()).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    for (const s of [colleague, otherTenant]) expect((await s.request({ method: 'GET', url: '/api/v1/notifications' })).json()).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
    expect((await me.request({ method: 'GET', url: '/api/v1/notifications?cursor=bad' })).statusCode).toBe(400);
  });

  it('marks one and all read, only my own, with the unread filter following', async () => {
    const all = (await me.request({ method: 'GET', url: '/api/v1/notifications' })).json();
    const id = all.items[0].id as string;
    expect((await otherTenant.request({ method: 'POST', url: `/api/v1/notifications/${id}/read` })).statusCode).toBe(404);
    expect((await colleague.request({ method: 'POST', url: `/api/v1/notifications/${id}/read` })).statusCode).toBe(404);
    expect((await colleague.request({ method: 'POST', url: '/api/v1/notifications/read-all' })).json()).toEqual({ updated: 0, unreadCount: 0 });
    expect(await expectOtherTenantsIdsToBe404(t.app, otherTenant, '/api/v1/notifications', id)).toBe(1);
    const one = await me.request({ method: 'POST', url: `/api/v1/notifications/${id}/read` });
    expect(one.statusCode).toBe(200);
    const readAt = one.json().readAt as string;
    // marking again keeps the first read time
    expect((await me.request({ method: 'POST', url: `/api/v1/notifications/${id}/read` })).json().readAt).toBe(readAt);
    const unread = (await me.request({ method: 'GET', url: '/api/v1/notifications?unread=true' })).json();
    expect(unread.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect(unread.unreadCount).toBe(4);
    expect((await me.request({ method: 'GET', url: '/api/v1/notifications?unread=false' })).json().items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await me.request({ method: 'POST', url: '/api/v1/notifications/read-all' })).json()).toEqual({ updated: 4, unreadCount: 0 });
    expect((await me.request({ method: 'POST', url: '/api/v1/notifications/00000000-0000-4000-8000-000000000001/read' })).statusCode).toBe(404);
  });

  it('needs a sign-in', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/notifications' })).statusCode).toBe(401);
  });
});
