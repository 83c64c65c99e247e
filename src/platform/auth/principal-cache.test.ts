import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../http/test-app.ts';

/**
 * principal.ts keeps a resolved session for a few seconds. Every change in this process that alters what a
 * request may do must still take effect on the very next request: each case below first uses the session
 * (so that it is cached), then changes it, then expects the change at once.
 */
let t: TestApp;
let tenant: TestTenant;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin']));
});
afterAll(() => t.close());

const agent = async () => signIn(t.app, await createUser(t.database, tenant, ['agent']));
const me = (s: Session) => s.request({ method: 'GET', url: '/api/v1/me' });
const userVersion = async (id: string) => (await admin.request({ method: 'GET', url: `/api/v1/users/${id}` })).json().version as number;

describe('cached principals', () => {
  it('sign-out ends the session at once', async () => {
    const a = await agent();
    expect((await me(a)).statusCode).toBe(200);
    expect((await a.request({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await me(a)).statusCode).toBe(401);
  });

  it('deactivation and a password reset by an admin sign the user out at once', async () => {
    const a = await agent();
    const b = await agent();
    expect((await me(a)).statusCode).toBe(200);
    expect((await me(b)).statusCode).toBe(200);
    const off = await admin.request({ method: 'PATCH', url: `/api/v1/users/${a.user.id}`, payload: { version: await userVersion(a.user.id), active: false } });
    expect(off.statusCode).toBe(200);
    expect((await me(a)).statusCode).toBe(401);
    expect((await admin.request({ method: 'POST', url: `/api/v1/users/${b.user.id}/reset-password`, payload: {} })).statusCode).toBe(200);
    expect((await me(b)).statusCode).toBe(401);
  });

  it('a role change applies to the next request', async () => {
    const a = await agent();
    expect((await a.request({ method: 'GET', url: '/api/v1/tickets' })).statusCode).toBe(200);
    const res = await admin.request({ method: 'PATCH', url: `/api/v1/users/${a.user.id}`, payload: { version: await userVersion(a.user.id), roles: ['field_engineer'] } });
    expect(res.statusCode).toBe(200);
    expect((await a.request({ method: 'GET', url: '/api/v1/tickets' })).statusCode).toBe(403);
    expect((await me(a)).json().roles).toEqual(['field_engineer']);
  });

  it("the user's own changes and the tenant's settings show at once", async () => {
    const a = await agent();
    expect((await me(a)).json().name).not.toBe('Renamed');
    expect((await a.request({ method: 'PATCH', url: '/api/v1/me', payload: { name: 'Renamed' } })).statusCode).toBe(200);
    expect((await me(a)).json().name).toBe('Renamed');
    const settings = (await admin.request({ method: 'GET', url: '/api/v1/settings' })).json();
    const renamed = await admin.request({ method: 'PATCH', url: '/api/v1/settings', payload: { version: settings.version, name: 'Renamed organisation' } });
    expect(renamed.statusCode).toBe(200);
    expect((await me(a)).json().tenantName).toBe('Renamed organisation');
  });
});
