import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, createTenant, sessionWithRoles, type Session, type TestApp } from '../http/test-app.ts';
import { auditLog } from '../audit/audit.schema.ts';
import { outboxEvents } from '../outbox/outbox.schema.ts';
import type { WebhookCreated, WebhookDelivery, WebhookSubscription } from './webhooks.contract.ts';

let t: TestApp;
let a: Session;
let b: Session;

beforeAll(async () => {
  t = await createTestApp();
  a = await sessionWithRoles(t, ['admin'], await createTenant(t.database));
  b = await sessionWithRoles(t, ['admin'], await createTenant(t.database));
});
afterAll(() => t.close());

const en = { 'accept-language': 'en' };

async function create(s: Session, body: object, headers: Record<string, string> = {}) {
  return s.request({ method: 'POST', url: '/api/v1/webhooks', payload: body, headers: { ...en, ...headers } });
}

describe('webhook subscriptions API', () => {
  let sub: WebhookSubscription;

  it('creates a subscription and shows its secret once; an Idempotency-Key retry gets the same answer', async () => {
    const body = { url: 'https://example.com/hooks', description: 'CRM', events: ['user.created', 'user.created', 'team.created'] };
    const res = await create(a, body, { 'idempotency-key': 'create-1' });
    expect(res.statusCode).toBe(201);
    const created = res.json() as WebhookCreated;
    expect(created.secret).toMatch(/^whsec_[\w-]{40,}$/);
    expect(created.subscription).toMatchObject({ url: body.url, description: 'CRM', events: ['user.created', 'team.created'], active: true, version: 1 });
    sub = created.subscription;

    const again = await create(a, body, { 'idempotency-key': 'create-1' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(created);
    expect((await a.request({ method: 'GET', url: '/api/v1/webhooks' })).json().items).toHaveLength(1);

    // audit and event written with the change; the secret is in neither
    const [audit] = await t.database.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'webhook'), eq(auditLog.entityId, sub.id)));
    expect(audit).toMatchObject({ action: 'created', tenantId: a.user.tenant.id });
    const [event] = await t.database.db.select().from(outboxEvents).where(and(eq(outboxEvents.type, 'webhook.created'), eq(outboxEvents.entityId, sub.id)));
    expect(event.payload).toEqual(sub);
    expect(JSON.stringify([audit, event])).not.toContain(created.secret);
  });

  it('rejects bad URLs, empty or unknown event lists', async () => {
    for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'not a url']) {
      const res = await create(a, { url, events: ['*'] });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().fieldErrors[0].path).toBe('url');
    }
    expect((await create(a, { url: 'https://x.test/', events: [] })).statusCode).toBe(400);
    const unknown = await create(a, { url: 'https://x.test/', events: ['user.created', 'user.exploded'] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().fieldErrors).toEqual([{ path: 'events', code: 'errors.unknown_event_type', message: 'Unknown event type: user.exploded. See GET /api/v1/webhooks/event-types.' }]);
  });

  it('lists the event types one can subscribe to', async () => {
    const res = await a.request({ method: 'GET', url: '/api/v1/webhooks/event-types' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(expect.arrayContaining(['user.created', 'user.password_reset', 'team.deleted', 'settings.updated', 'api_token.revoked', 'webhook.test']));
  });

  it('pages the list with a cursor', async () => {
    await create(a, { url: 'https://second.test/', events: ['*'] });
    const first = (await a.request({ method: 'GET', url: '/api/v1/webhooks?limit=1' })).json();
    expect(first.items.map((s: WebhookSubscription) => s.id)).toEqual([sub.id]);
    const second = (await a.request({ method: 'GET', url: `/api/v1/webhooks?limit=1&cursor=${first.nextCursor}` })).json();
    expect(second.items[0].url).toBe('https://second.test/');
    expect(second.nextCursor).toBeNull();
  });

  it('updates with optimistic concurrency', async () => {
    const url = `/api/v1/webhooks/${sub.id}`;
    const ok = await a.request({ method: 'PATCH', url, payload: { version: 1, active: false, events: ['*'] } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ version: 2, active: false, events: ['*'], url: sub.url });
    const stale = await a.request({ method: 'PATCH', url, payload: { version: 1, description: 'lost update' }, headers: en });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    expect((await a.request({ method: 'GET', url })).json()).toMatchObject({ version: 2, description: 'CRM' });
  });

  it('sends a test event and lists the delivery', async () => {
    const res = await a.request({ method: 'POST', url: `/api/v1/webhooks/${sub.id}/test` });
    expect(res.statusCode).toBe(202);
    const delivery = res.json() as WebhookDelivery;
    expect(delivery).toMatchObject({ eventType: 'webhook.test', status: 'pending', attempts: 0, lastStatusCode: null, deliveredAt: null });
    const list = (await a.request({ method: 'GET', url: `/api/v1/webhooks/${sub.id}/deliveries` })).json();
    expect(list).toEqual({ items: [delivery], nextCursor: null });
  });

  it('hides one tenant’s subscriptions from another (404, not 403)', async () => {
    const base = `/api/v1/webhooks/${sub.id}`;
    expect((await b.request({ method: 'GET', url: '/api/v1/webhooks' })).json().items).toEqual([]);
    expect((await b.request({ method: 'GET', url: base })).statusCode).toBe(404);
    expect((await b.request({ method: 'PATCH', url: base, payload: { version: 2, active: true } })).statusCode).toBe(404);
    expect((await b.request({ method: 'DELETE', url: `${base}?version=2` })).statusCode).toBe(404);
    expect((await b.request({ method: 'GET', url: `${base}/deliveries` })).statusCode).toBe(404);
    expect((await b.request({ method: 'POST', url: `${base}/test` })).statusCode).toBe(404);
    expect((await a.request({ method: 'GET', url: base })).json()).toMatchObject({ version: 2, active: false });
  });

  it('deletes with the current version only', async () => {
    const url = `/api/v1/webhooks/${sub.id}`;
    expect((await a.request({ method: 'DELETE', url: `${url}?version=1` })).statusCode).toBe(409);
    expect((await a.request({ method: 'DELETE', url })).statusCode).toBe(400);
    const res = await a.request({ method: 'DELETE', url: `${url}?version=2` });
    expect(res.statusCode).toBe(204);
    expect((await a.request({ method: 'GET', url })).statusCode).toBe(404);
    const actions = await t.database.db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.entityType, 'webhook'), eq(auditLog.entityId, sub.id))).orderBy(auditLog.id);
    expect(actions.map((r) => r.action)).toEqual(['created', 'updated', 'tested', 'deleted']);
  });

  it('documents signature verification on the webhooks tag of the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      tags?: { name: string; description: string }[];
      paths: Record<string, Record<string, { 'x-access'?: string }>>;
    };
    const tag = doc.tags?.find((x) => x.name === 'webhooks');
    expect(tag?.description).toContain('X-Webhook-Signature');
    expect(doc.paths['/api/v1/webhooks'].get['x-access']).toBe('webhooks.manage');
  });
});
