import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../tenancy/ctx.ts';
import type { Db } from '../db/db.ts';
import { loadConfig } from '../../config.ts';
import { encryptSecret } from '../crypto/secrets.ts';
import { encryptPlainColumn } from '../crypto/encrypt-plain.ts';
import { checkTargetHost, PrivateTargetError, urlHost } from '../net/private-targets.ts';
import { writeAudit } from '../audit/audit.ts';
import { recordChange } from '../outbox/outbox.ts';
import { outboxEvents } from '../outbox/outbox.schema.ts';
import { isKnownEventType } from '../outbox/event-types.ts';
import { checkVersion } from '../db/concurrency.ts';
import { fieldError, notFound } from '../http/errors.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import type { PageQuery } from '../http/pagination.contract.ts';
import { webhookDeliveries, webhookSubscriptions } from './webhooks.schema.ts';
import type { CreateWebhook, UpdateWebhook, WebhookCreated, WebhookDelivery, WebhookDeliveryStatus, WebhookListQuery, WebhookSubscription } from './webhooks.contract.ts';
import { generateWebhookSecret } from './signature.ts';
import { createDeliveries, envelopeOf, TEST_EVENT } from './webhooks.delivery.ts';

type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export function toSubscription(r: SubscriptionRow): WebhookSubscription {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events,
    active: r.active,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    eventType: r.eventType,
    status: r.status as WebhookDeliveryStatus,
    attempts: r.attempts,
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt ? r.deliveredAt.toISOString() : null,
  };
}

/** '*' or known types only: a typo would otherwise subscribe to nothing, silently. Order kept, duplicates dropped. */
function checkedEvents(events: string[]): string[] {
  const unknown = events.filter((e) => e !== '*' && !isKnownEventType(e));
  if (unknown.length > 0) throw fieldError('events', 'unknown_event_type', 422, { types: unknown.join(', ') });
  return [...new Set(events)];
}

/** A target in the platform's own network is refused on save (and again at delivery, after DNS). */
async function checkTargetUrl(url: string): Promise<void> {
  try {
    await checkTargetHost(urlHost(url), { allowPrivate: loadConfig().allowPrivateTargets });
  } catch (e) {
    if (e instanceof PrivateTargetError) throw fieldError('url', 'private_target', 422, { host: e.host, address: e.address });
    throw e;
  }
}

const byId = (ctx: Ctx, id: string) => and(eq(webhookSubscriptions.tenantId, ctx.tenantId), eq(webhookSubscriptions.id, id));

export async function listWebhooks(ctx: Ctx, q: WebhookListQuery) {
  const conds: SQL[] = [eq(webhookSubscriptions.tenantId, ctx.tenantId)];
  const after = decodeCursor(q.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${webhookSubscriptions.createdAt}, ${webhookSubscriptions.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rowsPlusOne = await ctx.db
    .select()
    .from(webhookSubscriptions)
    .where(and(...conds))
    .orderBy(asc(webhookSubscriptions.createdAt), asc(webhookSubscriptions.id))
    .limit(q.limit + 1);
  const p = toPage(rowsPlusOne, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: p.items.map(toSubscription), nextCursor: p.nextCursor };
}

export async function getWebhook(ctx: Ctx, id: string): Promise<WebhookSubscription> {
  const [row] = await ctx.db.select().from(webhookSubscriptions).where(byId(ctx, id));
  if (!row) throw notFound();
  return toSubscription(row);
}

export async function createWebhook(ctx: Ctx, input: CreateWebhook): Promise<WebhookCreated> {
  const events = checkedEvents(input.events);
  await checkTargetUrl(input.url);
  const secret = generateWebhookSecret();
  return ctx.tx(async (tx) => {
    const [row] = await tx
      .insert(webhookSubscriptions)
      .values({ tenantId: ctx.tenantId, url: input.url, description: input.description ?? '', events, secret: encryptSecret(secret) })
      .returning();
    const subscription = toSubscription(row);
    await recordChange(tx, ctx, { action: 'created', entityType: 'webhook', entityId: row.id, after: subscription });
    return { subscription, secret };
  });
}

export async function updateWebhook(ctx: Ctx, id: string, input: UpdateWebhook): Promise<WebhookSubscription> {
  const events = input.events ? checkedEvents(input.events) : undefined;
  if (input.url !== undefined) await checkTargetUrl(input.url);
  return ctx.tx(async (tx) => {
    const [current] = await tx.select().from(webhookSubscriptions).where(byId(ctx, id)).for('update');
    checkVersion(current, input.version, 'webhook');
    const { version: _version, ...patch } = input;
    const [row] = await tx
      .update(webhookSubscriptions)
      .set({ ...patch, ...(events ? { events } : {}), version: sql`${webhookSubscriptions.version} + 1`, updatedAt: new Date() })
      .where(byId(ctx, id))
      .returning();
    const after = toSubscription(row);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'webhook', entityId: id, before: toSubscription(current), after });
    return after;
  });
}

/** Removes the subscription and its delivery history; queued delivery jobs find nothing and end quietly. */
export async function deleteWebhook(ctx: Ctx, id: string, version: number): Promise<void> {
  await ctx.tx(async (tx) => {
    const [current] = await tx.select().from(webhookSubscriptions).where(byId(ctx, id)).for('update');
    checkVersion(current, version, 'webhook');
    await tx.delete(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, ctx.tenantId), eq(webhookDeliveries.subscriptionId, id)));
    await tx.delete(webhookSubscriptions).where(byId(ctx, id));
    await recordChange(tx, ctx, { action: 'deleted', entityType: 'webhook', entityId: id, before: toSubscription(current) });
  });
}

/** Newest first. */
export async function listDeliveries(ctx: Ctx, subscriptionId: string, q: PageQuery) {
  await getWebhook(ctx, subscriptionId);
  const conds: SQL[] = [eq(webhookDeliveries.tenantId, ctx.tenantId), eq(webhookDeliveries.subscriptionId, subscriptionId)];
  const after = decodeCursor(q.cursor, ['number']);
  if (after) conds.push(sql`${webhookDeliveries.id} < ${after[0]}`);
  const rowsPlusOne = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(and(...conds))
    .orderBy(desc(webhookDeliveries.id))
    .limit(q.limit + 1);
  const p = toPage(rowsPlusOne, q.limit, (r) => [r.id]);
  return { items: p.items.map(toDelivery), nextCursor: p.nextCursor };
}

/**
 * Sends a 'webhook.test' event to this subscription only (whatever its event filter, even when inactive,
 * so an admin can check the receiver before switching it on). The event is stored in the outbox like any
 * other, so in-process subscribers see it too; the delivery is created here rather than by the fan-out.
 */
export async function sendTestEvent(ctx: Ctx, id: string): Promise<WebhookDelivery> {
  return ctx.tx(async (tx) => {
    const [sub] = await tx.select().from(webhookSubscriptions).where(byId(ctx, id));
    if (!sub) throw notFound();
    const [event] = await tx
      .insert(outboxEvents)
      .values({
        tenantId: ctx.tenantId,
        type: TEST_EVENT,
        entityType: 'webhook',
        entityId: id,
        payload: { subscriptionId: id, message: 'This is a test event from the after-sales platform.', requestedBy: ctx.actor.name },
      })
      .returning();
    const [delivery] = await createDeliveries(tx, [{ tenantId: ctx.tenantId, subscriptionId: id, envelope: envelopeOf(event) }]);
    await writeAudit(tx, ctx, { action: 'tested', entityType: 'webhook', entityId: id, after: { deliveryId: delivery.id } });
    return toDelivery(delivery);
  });
}

/**
 * Start-up step: signing secrets stored in plain text before encryption existed are encrypted in place. Runs
 * across tenants (it is maintenance of the table, not a tenant's action) and touches only unencrypted rows.
 */
export function encryptPlainWebhookSecrets(db: Db): Promise<number> {
  return encryptPlainColumn(db, webhookSubscriptions, [webhookSubscriptions.tenantId, webhookSubscriptions.id], webhookSubscriptions.secret);
}
