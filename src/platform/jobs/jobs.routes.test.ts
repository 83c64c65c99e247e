import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, createTenant, sessionWithRoles, type Session, type TestApp } from '../http/test-app.ts';
import { auditLog } from '../audit/audit.schema.ts';
import { enqueue } from './queue.ts';
import { jobs } from './jobs.schema.ts';
import type { Job } from './jobs.contract.ts';

let t: TestApp;
let a: Session;
let b: Session;
const ids: number[] = [];
let deadId: number;
let otherTenantJob: number;

beforeAll(async () => {
  t = await createTestApp();
  a = await sessionWithRoles(t, ['admin'], await createTenant(t.database));
  b = await sessionWithRoles(t, ['admin'], await createTenant(t.database));
  const later = new Date(Date.now() + 3600_000);
  for (const name of ['test.one', 'test.two', 'test.three']) ids.push((await enqueue(t.database.db, { tenantId: a.user.tenant.id, name, runAt: later }))!);
  deadId = ids[1];
  await t.database.db
    .update(jobs)
    .set({ status: 'dead', attempts: 5, lastError: 'receiver down', finishedAt: new Date() })
    .where(and(eq(jobs.tenantId, a.user.tenant.id), eq(jobs.id, deadId)));
  otherTenantJob = (await enqueue(t.database.db, { tenantId: b.user.tenant.id, name: 'test.b', runAt: later }))!;
});
afterAll(() => t.close());

describe('jobs API', () => {
  it("lists the tenant's jobs newest first, page by page", async () => {
    const first = (await a.request({ method: 'GET', url: '/api/v1/jobs?limit=2' })).json();
    expect(first.items.map((j: Job) => j.id)).toEqual([ids[2], ids[1]]);
    expect(first.items[0]).toMatchObject({ name: 'test.three', status: 'queued', attempts: 0, maxAttempts: 5, lastError: null, finishedAt: null });
    expect(new Date(first.items[0].runAt).toISOString()).toBe(first.items[0].runAt);
    const second = (await a.request({ method: 'GET', url: `/api/v1/jobs?limit=2&cursor=${first.nextCursor}` })).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
  });

  it('filters by status', async () => {
    const res = (await a.request({ method: 'GET', url: '/api/v1/jobs?status=dead' })).json();
    expect(res.items).toEqual([expect.objectContaining({ id: deadId, status: 'dead', lastError: 'receiver down' })]);
    expect((await a.request({ method: 'GET', url: '/api/v1/jobs?status=lost' })).statusCode).toBe(400);
  });

  it('retries a dead job with fresh attempts, audited; refuses other statuses', async () => {
    const res = await a.request({ method: 'POST', url: `/api/v1/jobs/${deadId}/retry` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: deadId, status: 'queued', attempts: 0, finishedAt: null });
    const [audit] = await t.database.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'job'), eq(auditLog.entityId, String(deadId))));
    expect(audit).toMatchObject({ action: 'retried', tenantId: a.user.tenant.id, actorUserId: a.user.id });

    const again = await a.request({ method: 'POST', url: `/api/v1/jobs/${deadId}/retry`, headers: { 'accept-language': 'en' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'job_not_dead', message: 'Only failed (dead) jobs can be retried.' });
    expect((await a.request({ method: 'POST', url: '/api/v1/jobs/abc/retry' })).statusCode).toBe(400);
  });

  it("never shows or touches another tenant's jobs (404)", async () => {
    const listed = (await b.request({ method: 'GET', url: '/api/v1/jobs' })).json();
    expect(listed.items.map((j: Job) => j.id)).toEqual([otherTenantJob]);
    await t.database.db.update(jobs).set({ status: 'dead' }).where(and(eq(jobs.tenantId, a.user.tenant.id), eq(jobs.id, ids[0])));
    expect((await b.request({ method: 'POST', url: `/api/v1/jobs/${ids[0]}/retry` })).statusCode).toBe(404);
    const [row] = await t.database.db.select().from(jobs).where(and(eq(jobs.tenantId, a.user.tenant.id), eq(jobs.id, ids[0])));
    expect(row.status).toBe('dead');
  });

  it('is for admins only', async () => {
    const agent = await sessionWithRoles(t, ['agent'], a.user.tenant);
    expect((await agent.request({ method: 'GET', url: '/api/v1/jobs' })).statusCode).toBe(403);
  });
});
