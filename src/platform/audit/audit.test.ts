import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../http/test-app.ts';
import { rows } from '../db/db.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
});
afterAll(() => t.close());

describe('audit log', () => {
  it('is append-only: the database rejects UPDATE, DELETE and TRUNCATE', async () => {
    await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Audit me' } });
    // drizzle wraps the driver's error: the database's own message is the cause
    const failure = (q: Promise<unknown>) => q.then(() => 'no error', (e: Error & { cause?: Error }) => (e.cause ?? e).message);
    expect(await failure(t.database.db.execute(sql`update audit_log set action = 'x'`))).toMatch(/append-only/);
    expect(await failure(t.database.db.execute(sql`delete from audit_log`))).toMatch(/append-only/);
    expect(await failure(t.database.db.execute(sql`truncate audit_log`))).toMatch(/append-only/);
    const [{ n }] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from audit_log`);
    expect(n).toBeGreaterThan(0);
  });

  it('records who, what, when, before/after and the IP; filters by user, entity and time', async () => {
    const u = (await admin.request({ method: 'POST', url: '/api/v1/users', remoteAddress: '10.1.2.3', payload: { email: 'audited@x.cn', name: 'A', roles: ['agent'] } })).json().user;
    await admin.request({ method: 'PATCH', url: `/api/v1/users/${u.id}`, payload: { version: 1, roles: ['agent', 'specialist'] } });
    const res = (await admin.request({ method: 'GET', url: `/api/v1/audit?entityType=user&entityId=${u.id}` })).json();
    expect(res.items.map((e: { action: string }) => e.action)).toEqual(['updated', 'created']);
    const [updated, created] = res.items;
    expect(created).toMatchObject({ actorUserId: admin.user.id, ip: '10.1.2.3' });
    expect(updated.before.roles).toEqual(['agent']);
    expect(updated.after.roles).toEqual(['agent', 'specialist']);
    expect(JSON.stringify(res)).not.toContain('argon2');

    const byUser = (await admin.request({ method: 'GET', url: `/api/v1/audit?userId=${admin.user.id}&limit=200` })).json();
    expect(byUser.items.every((e: { actorUserId: string }) => e.actorUserId === admin.user.id)).toBe(true);
    const future = (await admin.request({ method: 'GET', url: `/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}` })).json();
    expect(future.items).toEqual([]);
  });

  it('exports the filtered log as CSV that Excel reads (UTF-8 BOM)', async () => {
    await admin.request({ method: 'POST', url: '/api/v1/teams', payload: { name: '售后一组, "A"' } });
    const res = await admin.request({ method: 'GET', url: '/api/v1/audit/export.csv?entityType=team' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('id,at,actorName,actorUserId,actorTokenId,action,entityType,entityId,ip,requestId,before,after');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(res.body).toContain('售后一组');
  });

  it('is readable by managers, not by agents, and never across tenants', async () => {
    const manager = await signIn(t.app, await createUser(t.database, admin.user.tenant, ['manager']));
    expect((await manager.request({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(200);
    const agent = await signIn(t.app, await createUser(t.database, admin.user.tenant, ['agent']));
    expect((await agent.request({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(403);
    const other = await signIn(t.app, await createUser(t.database, await createTenant(t.database), ['admin']));
    const theirs = (await other.request({ method: 'GET', url: '/api/v1/audit?limit=200' })).json();
    const mine = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from audit_log where tenant_id = ${admin.user.tenant.id}`);
    expect(mine[0].n).toBeGreaterThan(0);
    expect(theirs.items.every((e: { actorUserId: string | null }) => e.actorUserId !== admin.user.id)).toBe(true);
    const csv = await other.request({ method: 'GET', url: '/api/v1/audit/export.csv' });
    expect(csv.body).not.toContain(admin.user.id);
  });
});
