import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../http/test-app.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
});
afterAll(() => t.close());

const logo = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('tenant settings', () => {
  it('default to Asia/Shanghai and change name, time zone, language and logo with a version', async () => {
    const s = (await admin.request({ method: 'GET', url: '/api/v1/settings' })).json();
    expect(s.timeZone).toBe('Asia/Shanghai');
    const res = await admin.request({ method: 'PATCH', url: '/api/v1/settings', payload: { version: s.version, name: '新名字', timeZone: 'Europe/Berlin', defaultLocale: 'en', logo } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: '新名字', timeZone: 'Europe/Berlin', defaultLocale: 'en', logo, version: s.version + 1 });
    const me = (await admin.request({ method: 'GET', url: '/api/v1/me' })).json();
    expect(me).toMatchObject({ tenantName: '新名字', timeZone: 'Europe/Berlin' });
    // the logo travels as its own cacheable image, its URL changing with the settings version
    expect(me.tenantLogo).toBe(`/api/v1/public/tenants/${admin.user.tenant.slug}/logo?v=${s.version + 1}`);
    const img = await t.app.inject({ method: 'GET', url: me.tenantLogo });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const pub = await t.app.inject({ method: 'GET', url: `/api/v1/public/tenants/${admin.user.tenant.slug}` });
    expect(pub.json()).toMatchObject({ name: '新名字', defaultLocale: 'en', logo: me.tenantLogo });
  });

  it('rejects an unknown time zone, a non-image logo and a stale version', async () => {
    const s = (await admin.request({ method: 'GET', url: '/api/v1/settings' })).json();
    const tz = await admin.request({ method: 'PATCH', url: '/api/v1/settings', payload: { version: s.version, timeZone: 'Mars/Olympus' } });
    expect(tz.statusCode).toBe(400);
    expect(tz.json().fieldErrors[0].path).toBe('timeZone');
    const bad = await admin.request({ method: 'PATCH', url: '/api/v1/settings', payload: { version: s.version, logo: 'data:text/html;base64,PHNjcmlwdD4=' } });
    expect(bad.statusCode).toBe(400);
    const stale = await admin.request({ method: 'PATCH', url: '/api/v1/settings', payload: { version: s.version - 1, name: 'x' } });
    expect(stale.statusCode).toBe(409);
  });

  it('may be read by any role but changed only by admins', async () => {
    const agent = await signIn(t.app, await createUser(t.database, admin.user.tenant, ['field_engineer']));
    expect((await agent.request({ method: 'GET', url: '/api/v1/settings' })).statusCode).toBe(200);
    expect((await agent.request({ method: 'PATCH', url: '/api/v1/settings', payload: { version: 1 } })).statusCode).toBe(403);
  });
});
