import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../http/test-app.ts';
import { expectOtherTenantsIdsToBe404 } from '../tenancy/isolation.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
});
afterAll(() => t.close());

describe('teams', () => {
  it('creates a team with members, edits it with versions, and deletes it', async () => {
    const a = await createUser(t.database, admin.user.tenant, ['agent']);
    const b = await createUser(t.database, admin.user.tenant, ['specialist']);
    const created = await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: '一线客服', members: [{ userId: a.id, isLead: true }] } });
    expect(created.statusCode).toBe(201);
    const team = created.json();
    expect(team.members).toEqual([expect.objectContaining({ userId: a.id, isLead: true })]);

    const updated = await admin.request({ method: 'PATCH', url: `/api/v1/teams/${team.id}`, payload: { version: 1, members: [{ userId: a.id }, { userId: b.id, isLead: true }] } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().members).toHaveLength(2);
    const stale = await admin.request({ method: 'PATCH', url: `/api/v1/teams/${team.id}`, payload: { version: 1, name: 'x' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().currentVersion).toBe(2);

    const list = (await admin.request({ method: 'GET', url: '/api/v1/teams' })).json();
    expect(list.items.map((x: { name: string }) => x.name)).toContain('一线客服');
    expect((await admin.request({ method: 'DELETE', url: `/api/v1/teams/${team.id}?version=2` })).statusCode).toBe(204);
    expect((await admin.request({ method: 'GET', url: `/api/v1/teams/${team.id}` })).statusCode).toBe(404);
  });

  it('refuses duplicate names and members from another tenant', async () => {
    await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Field' } });
    expect((await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Field' } })).statusCode).toBe(409);
    const stranger = await createUser(t.database, await createTenant(t.database), ['agent']);
    const res = await admin.request({ method: 'POST', url: '/api/v1/teams', headers: { 'accept-language': 'en' }, payload: { name: 'Mixed', members: [{ userId: stranger.id }] } });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain(stranger.id);
  });

  it('is invisible to other tenants', async () => {
    const team = (await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Secret team' } })).json();
    const intruder = await signIn(t.app, await createUser(t.database, await createTenant(t.database), ['admin']));
    await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/teams', team.id, { 'PUT /api/v1/teams/{id}/routing': { body: { version: 0, mode: 'round_robin' } } });
    expect((await admin.request({ method: 'GET', url: `/api/v1/teams/${team.id}` })).json().version).toBe(1);
  });
});
