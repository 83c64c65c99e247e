import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, signIn, TEST_PASSWORD, type TestApp, type TestTenant } from '../http/test-app.ts';
import { rows } from '../db/db.ts';
import { throttlePolicy } from './auth.service.ts';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { defaultLocale: 'zh-CN' });
});
afterAll(() => t.close());

const login = (body: object, headers: Record<string, string> = {}, ip = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, headers, remoteAddress: ip });

describe('sign-in', () => {
  it('sets an HttpOnly SameSite session cookie and returns the user with a CSRF token', async () => {
    const u = await createUser(t.database, tenant, ['agent']);
    const res = await login({ tenant: tenant.slug, email: u.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'sid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const me = res.json();
    expect(me).toMatchObject({ id: u.id, roles: ['agent'], tenantId: tenant.id });
    expect(me.csrfToken).toBeTruthy();
    expect(me.permissions).not.toContain('users.manage');
    // the stored session id is a hash, not the cookie secret
    const [s] = await rows<{ id: string }>(t.database.db, sql`select id from sessions where user_id = ${u.id}`);
    expect(cookie.value).not.toContain(s.id);
  });

  it('says the password is wrong in the caller’s language', async () => {
    const u = await createUser(t.database, tenant, ['agent']);
    const zh = await login({ tenant: tenant.slug, email: u.email, password: 'nope-nope' }, { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(zh.statusCode).toBe(401);
    expect(zh.json().message).toBe('邮箱或密码错误。');
    const en = await login({ tenant: tenant.slug, email: u.email, password: 'nope-nope' }, { cookie: 'lang=en' });
    expect(en.json().message).toBe('The e-mail or password is wrong.');
    const unknown = await login({ tenant: tenant.slug, email: 'ghost@nowhere.cn', password: 'nope-nope' }, { 'accept-language': 'en' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('invalid_credentials');
    const badTenant = await login({ tenant: 'no-such-org', email: u.email, password: TEST_PASSWORD }, { 'accept-language': 'en' });
    expect(badTenant.statusCode).toBe(422);
    expect(badTenant.json().fieldErrors[0]).toMatchObject({ path: 'tenant', message: 'No organisation with the code "no-such-org" exists.' });
  });

  it('locks an account after repeated failures, with a clear message, even for the right password', async () => {
    const u = await createUser(t.database, tenant, ['agent']);
    const statuses: number[] = [];
    for (let i = 0; i < throttlePolicy.accountFailures; i++) {
      statuses.push((await login({ tenant: tenant.slug, email: u.email, password: `wrong-${i}` }, {}, '10.9.9.1')).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const right = await login({ tenant: tenant.slug, email: u.email, password: TEST_PASSWORD }, { 'accept-language': 'en' });
    expect(right.statusCode).toBe(423);
    expect(right.json().message).toMatch(/locked for \d+ more minutes/);
    const [audit] = await rows<{ action: string }>(t.database.db, sql`select action from audit_log where entity_id = ${u.id} and action = 'locked_out'`);
    expect(audit).toBeTruthy();
  });

  it('throttles a source IP that tries many accounts', async () => {
    const ip = '10.7.7.7';
    let last = 0;
    for (let i = 0; i < throttlePolicy.ipFailures + 1; i++) {
      last = (await login({ tenant: tenant.slug, email: `nobody${i}@x.cn`, password: 'whatever1' }, {}, ip)).statusCode;
    }
    expect(last).toBe(429);
    const u = await createUser(t.database, tenant, ['agent']);
    expect((await login({ tenant: tenant.slug, email: u.email, password: TEST_PASSWORD }, {}, ip)).statusCode).toBe(429);
    expect((await login({ tenant: tenant.slug, email: u.email, password: TEST_PASSWORD }, {}, '10.7.7.8')).statusCode).toBe(200);
  });

  it('refuses a deactivated account and ends its sessions', async () => {
    const adminUser = await createUser(t.database, tenant, ['admin']);
    const admin = await signIn(t.app, adminUser);
    const u = await createUser(t.database, tenant, ['agent']);
    const s = await signIn(t.app, u);
    const before = await t.app.inject({ method: 'GET', url: '/api/v1/users/' + u.id, headers: { cookie: admin.cookie } });
    const res = await admin.request({ method: 'PATCH', url: `/api/v1/users/${u.id}`, payload: { version: before.json().version, active: false } });
    expect(res.statusCode).toBe(200);
    expect((await s.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const again = await login({ tenant: tenant.slug, email: u.email, password: TEST_PASSWORD }, { 'accept-language': 'en' });
    expect(again.statusCode).toBe(403);
    expect(again.json().code).toBe('account_inactive');
  });

  it('signs out', async () => {
    const s = await signIn(t.app, await createUser(t.database, tenant, ['sales']));
    expect((await s.request({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });
});

describe('CSRF and security headers', () => {
  it('rejects cookie-authenticated writes without the CSRF token', async () => {
    const s = await signIn(t.app, await createUser(t.database, tenant, ['admin']));
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { cookie: s.cookie, 'accept-language': 'en' }, payload: { name: 'X' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('csrf_failed');
    const ok = await s.request({ method: 'PATCH', url: '/api/v1/me', payload: { name: 'X' } });
    expect(ok.statusCode).toBe(200);
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('language', () => {
  it('is remembered per user and used for API messages', async () => {
    const s = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
    expect((await s.request({ method: 'GET', url: '/api/v1/me' })).json().locale).toBe('zh-CN');
    const set = await s.request({ method: 'PATCH', url: '/api/v1/me', payload: { locale: 'en' } });
    expect(set.json()).toMatchObject({ locale: 'en', localePreference: 'en' });
    const denied = await s.request({ method: 'GET', url: '/api/v1/audit', headers: { 'accept-language': 'zh-CN' } });
    expect(denied.json().message).toBe('Your role does not allow this action.');
  });

  it('changes the password only with the current one', async () => {
    const u = await createUser(t.database, tenant, ['agent']);
    const s = await signIn(t.app, u);
    const bad = await s.request({ method: 'PATCH', url: '/api/v1/me', payload: { currentPassword: 'wrong-one', newPassword: 'new-password-2' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().fieldErrors[0].path).toBe('currentPassword');
    const ok = await s.request({ method: 'PATCH', url: '/api/v1/me', payload: { currentPassword: TEST_PASSWORD, newPassword: 'new-password-2' } });
    expect(ok.statusCode).toBe(200);
    expect((await signIn(t.app, u, 'new-password-2')).user.id).toBe(u.id);
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, scoped to roles, and revocable', async () => {
    const admin = await signIn(t.app, await createUser(t.database, tenant, ['admin']));
    const created = await admin.request({ method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'ERP sync', roles: ['analyst'] } });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json();
    expect(secret).toMatch(/^ast_[0-9a-f]{32}_/);
    const [stored] = await rows<{ token_hash: string }>(t.database.db, sql`select token_hash from api_tokens where id = ${token.id}`);
    expect(secret).not.toContain(stored.token_hash);
    const list = await admin.request({ method: 'GET', url: '/api/v1/api-tokens' });
    expect(JSON.stringify(list.json())).not.toContain(secret);

    const bearer = { authorization: `Bearer ${secret}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    expect(me.statusCode).toBe(200);
    expect(me.json().roles).toEqual(['analyst']);
    // analyst may read users but not manage them; no CSRF needed for bearer tokens
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer, payload: { email: 'x@y.cn', name: 'x', roles: ['agent'] } })).statusCode).toBe(403);

    expect((await admin.request({ method: 'DELETE', url: `/api/v1/api-tokens/${token.id}` })).json().revokedAt).toBeTruthy();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer ast_garbage' } })).statusCode).toBe(401);
  });
});
