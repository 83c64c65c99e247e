import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../http/test-app.ts';
import { rows } from '../db/db.ts';
import { expectOtherTenantsIdsToBe404 } from '../tenancy/isolation.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
});
afterAll(() => t.close());

const newUser = (n: string) => ({ email: `${n}@example.cn`, name: `用户 ${n}`, roles: ['agent'] });

describe('users', () => {
  it('creates a user with a one-time password and writes the audit row in the same transaction', async () => {
    const res = await admin.request({ method: 'POST', url: '/api/v1/users', payload: newUser('alice') });
    expect(res.statusCode).toBe(201);
    const { user, temporaryPassword } = res.json();
    expect(temporaryPassword).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(user).toMatchObject({ email: 'alice@example.cn', mustChangePassword: true, version: 1 });
    const audit = await rows<{ action: string; actor_user_id: string; after: { email: string } }>(
      t.database.db,
      sql`select action, actor_user_id, after from audit_log where entity_type = 'user' and entity_id = ${user.id}`,
    );
    expect(audit).toEqual([{ action: 'created', actor_user_id: admin.user.id, after: expect.objectContaining({ email: 'alice@example.cn' }) }]);
    const signedIn = await signIn(t.app, { id: user.id, email: user.email, tenant: admin.user.tenant }, temporaryPassword);
    expect((await signedIn.request({ method: 'GET', url: '/api/v1/me' })).json().mustChangePassword).toBe(true);
  });

  it('refuses a duplicate e-mail (any case) with a field error', async () => {
    await admin.request({ method: 'POST', url: '/api/v1/users', payload: newUser('bob') });
    const dup = await admin.request({ method: 'POST', url: '/api/v1/users', headers: { 'accept-language': 'en' }, payload: { ...newUser('bob'), email: 'BOB@example.cn' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().fieldErrors[0]).toMatchObject({ path: 'email', message: 'A user with this e-mail already exists.' });
  });

  it('replays a create retried with the same Idempotency-Key, and rejects the key with another body', async () => {
    const headers = { 'idempotency-key': 'create-carol-1' };
    const first = await admin.request({ method: 'POST', url: '/api/v1/users', headers, payload: newUser('carol') });
    const retry = await admin.request({ method: 'POST', url: '/api/v1/users', headers, payload: newUser('carol') });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const [{ n }] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from users where email = 'carol@example.cn'`);
    expect(n).toBe(1);
    const other = await admin.request({ method: 'POST', url: '/api/v1/users', headers, payload: newUser('dave') });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
  });

  it('gives 409 with the current version to a stale update, never a lost update', async () => {
    const { user } = (await admin.request({ method: 'POST', url: '/api/v1/users', payload: newUser('erin') })).json();
    const [a, b] = await Promise.all([
      admin.request({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { version: 1, name: 'Erin A' } }),
      admin.request({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { version: 1, name: 'Erin B' } }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    const winner = a.statusCode === 200 ? a : b;
    expect(loser.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    expect((await admin.request({ method: 'GET', url: `/api/v1/users/${user.id}` })).json().name).toBe(winner.json().name);
  });

  it('filters and paginates with a cursor', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await admin.request({ method: 'POST', url: '/api/v1/users', payload: { ...newUser(n), roles: ['sales'] } });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const q: string = `/api/v1/users?role=sales&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await admin.request({ method: 'GET', url: q })).json();
      seen.push(...page.items.map((u: { email: string }) => u.email));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['p1', 'p2', 'p3', 'p4', 'p5'].map((n) => `${n}@example.cn`));
    const search = (await admin.request({ method: 'GET', url: `/api/v1/users?q=${encodeURIComponent('用户 p3')}` })).json();
    expect(search.items.map((u: { email: string }) => u.email)).toEqual(['p3@example.cn']);
  });

  it('resets a password: signs the user out and clears a lock-out', async () => {
    const u = await createUser(t.database, admin.user.tenant, ['agent']);
    const s = await signIn(t.app, u);
    const res = await admin.request({ method: 'POST', url: `/api/v1/users/${u.id}/reset-password`, payload: {} });
    expect(res.json().temporaryPassword).toBeTruthy();
    expect((await s.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('does not let an admin lock themselves out', async () => {
    const me = (await admin.request({ method: 'GET', url: `/api/v1/users/${admin.user.id}` })).json();
    const res = await admin.request({ method: 'PATCH', url: `/api/v1/users/${admin.user.id}`, payload: { version: me.version, active: false } });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('cannot_deactivate_self');
  });

  it('never shows or changes another tenant’s users (404)', async () => {
    const other = await createTenant(t.database);
    const intruder = await signIn(t.app, await createUser(t.database, other, ['admin']));
    const victim = await createUser(t.database, admin.user.tenant, ['agent']);
    const checked = await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/users', victim.id, { 'PUT /api/v1/users/{id}/skills': { body: { skills: [] } } });
    expect(checked).toBeGreaterThanOrEqual(3);
    const list = (await intruder.request({ method: 'GET', url: '/api/v1/users?limit=200' })).json();
    expect(list.items.map((u: { id: string }) => u.id)).not.toContain(victim.id);
    expect((await admin.request({ method: 'GET', url: `/api/v1/users/${victim.id}` })).json().version).toBe(1);
  });
});
