import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { loadConfig } from '../../config.ts';
import { decryptSecret, SecretDecryptError } from '../crypto/secrets.ts';
import { guardedLookup, isPrivateAddress, PrivateTargetError, urlHost } from '../net/private-targets.ts';
import type { Db, Tx } from '../db/db.ts';
import { defaultBackoffMs, enqueueMany, registerJob, type JobContext } from '../jobs/queue.ts';
import { matchesEventType } from '../outbox/event-types.ts';
import type { DomainEvent } from '../outbox/outbox.ts';
import { webhookDeliveries, webhookSubscriptions } from './webhooks.schema.ts';
import type { WebhookEnvelope } from './webhooks.contract.ts';
import { signWebhook } from './signature.ts';

export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';
export const WEBHOOK_MAX_ATTEMPTS = 8;
/** Targeted at one subscription by POST /webhooks/:id/test, never fanned out to the others. */
export const TEST_EVENT = 'webhook.test';

/** Tunables; tests shorten the timeout. */
export const webhookDeliverySettings = { timeoutMs: 10_000, userAgent: 'aftersales-webhooks/1' };

interface DeliverPayload {
  deliveryId: number;
}

export function envelopeOf(event: DomainEvent): WebhookEnvelope {
  return { id: String(event.id), type: event.type, tenantId: event.tenantId, occurredAt: event.createdAt.toISOString(), data: event.payload };
}

/** Delivery rows plus their jobs, in the caller's transaction. */
export async function createDeliveries(tx: Tx, rows: { tenantId: string; subscriptionId: string; envelope: WebhookEnvelope }[]) {
  if (rows.length === 0) return [];
  const inserted = await tx
    .insert(webhookDeliveries)
    .values(rows.map((r) => ({ tenantId: r.tenantId, subscriptionId: r.subscriptionId, eventId: r.envelope.id, eventType: r.envelope.type, payload: r.envelope })))
    .returning();
  await enqueueMany(
    tx,
    inserted.map((d) => ({
      tenantId: d.tenantId,
      name: WEBHOOK_DELIVER_JOB,
      payload: { deliveryId: d.id } satisfies DeliverPayload,
      maxAttempts: WEBHOOK_MAX_ATTEMPTS,
      dedupeKey: `webhook:${d.id}`,
    })),
  );
  return inserted;
}

/** Called by the outbox dispatcher inside its transaction: one delivery per matching active subscription. */
export async function fanOutToWebhooks(tx: Tx, events: DomainEvent[]): Promise<void> {
  const fanned = events.filter((e) => e.type !== TEST_EVENT);
  if (fanned.length === 0) return;
  const tenantIds = [...new Set(fanned.map((e) => e.tenantId))];
  const subs = await tx
    .select({ tenantId: webhookSubscriptions.tenantId, id: webhookSubscriptions.id, events: webhookSubscriptions.events })
    .from(webhookSubscriptions)
    .where(and(inArray(webhookSubscriptions.tenantId, tenantIds), eq(webhookSubscriptions.active, true)));
  if (subs.length === 0) return;
  const rows = fanned.flatMap((event) =>
    subs
      .filter((s) => s.tenantId === event.tenantId && s.events.some((p) => matchesEventType(p, event.type)))
      .map((s) => ({ tenantId: event.tenantId, subscriptionId: s.id, envelope: envelopeOf(event) })),
  );
  await createDeliveries(tx, rows);
}

interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** The attempt's outcome from an error of the request (DNS, connect, refused target, timeout). */
function failure(e: Error & { code?: string }, aborted: boolean): Attempt {
  const why = aborted ? `timeout after ${webhookDeliverySettings.timeoutMs} ms` : e instanceof PrivateTargetError || e.code === 'EPRIVATETARGET' ? e.message : (e.code ?? e.message);
  return { ok: false, statusCode: null, error: why };
}

/**
 * node:http rather than fetch: its `lookup` hook lets the connection go to the very address that passed the
 * private-network check (no second DNS answer in between), and a fresh socket per attempt keeps it that way.
 */
async function post(url: string, headers: Record<string, string>, body: string): Promise<Attempt> {
  const allowPrivate = loadConfig().allowPrivateTargets;
  const target = new URL(url);
  const host = urlHost(target);
  if (!allowPrivate && net.isIP(host) && isPrivateAddress(host)) return failure(new PrivateTargetError(host, host), false);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), webhookDeliverySettings.timeoutMs);
  try {
    return await new Promise<Attempt>((resolve) => {
      const client = target.protocol === 'https:' ? https : http;
      // No redirects are followed (node:http never does): a 3xx could point a signed payload somewhere the admin never configured.
      const req = client.request(
        target,
        { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, signal: controller.signal, agent: false, ...(allowPrivate ? {} : { lookup: guardedLookup }) },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            res.resume();
            resolve({ ok: true, statusCode: status, error: null });
            return;
          }
          // at most a short prefix of the answer: a receiver may send a lot
          let text = '';
          const done = () => resolve({ ok: false, statusCode: status, error: `HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ''}` });
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.length >= 300) res.destroy();
          });
          res.on('end', done);
          res.on('close', done);
          res.on('error', done);
        },
      );
      req.on('error', (e) => resolve(failure(e, controller.signal.aborted)));
      req.end(body);
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One attempt of one delivery. The delivery row records every attempt; a failed attempt throws so that
 * the job queue retries with backoff, and after the job's last attempt the row says 'failed'.
 * An already delivered row is not sent again (the job may re-run after a crash).
 */
export async function deliverWebhook(db: Db, job: JobContext<DeliverPayload>): Promise<void> {
  const where = and(eq(webhookDeliveries.tenantId, job.tenantId), eq(webhookDeliveries.id, job.payload.deliveryId));
  const [delivery] = await db.select().from(webhookDeliveries).where(where);
  if (!delivery || delivery.status === 'delivered') return;
  const [sub] = await db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.tenantId, job.tenantId), eq(webhookSubscriptions.id, delivery.subscriptionId)));
  const skip = !sub ? 'subscription deleted' : !sub.active && delivery.eventType !== TEST_EVENT ? 'subscription deactivated' : null;
  if (skip || !sub) {
    await db.update(webhookDeliveries).set({ status: 'failed', lastError: skip }).where(where);
    return;
  }
  const env = delivery.payload as WebhookEnvelope;
  // Fixed key order (jsonb does not keep it), so receivers see the documented shape.
  const body = JSON.stringify({ id: env.id, type: env.type, tenantId: env.tenantId, occurredAt: env.occurredAt, data: env.data });
  const timestamp = Math.floor(Date.now() / 1000);
  let secret: string;
  try {
    secret = decryptSecret(sub.secret);
  } catch (e) {
    if (!(e instanceof SecretDecryptError)) throw e;
    // nothing is sent unsigned; the row says why, and the retries give an operator time to restore the key
    await db.update(webhookDeliveries).set({ status: job.attempt >= job.maxAttempts ? 'failed' : 'retrying', attempts: sql`${webhookDeliveries.attempts} + 1`, lastStatusCode: null, lastError: e.message }).where(where);
    throw e;
  }
  const result = await post(
    sub.url,
    {
      'content-type': 'application/json',
      'user-agent': webhookDeliverySettings.userAgent,
      'x-webhook-id': env.id,
      'x-webhook-event': env.type,
      'x-webhook-delivery': String(delivery.id),
      'x-webhook-timestamp': String(timestamp),
      'x-webhook-signature': signWebhook(secret, timestamp, body),
    },
    body,
  );
  const last = job.attempt >= job.maxAttempts;
  await db
    .update(webhookDeliveries)
    .set({
      status: result.ok ? 'delivered' : last ? 'failed' : 'retrying',
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastStatusCode: result.statusCode,
      lastError: result.error,
      ...(result.ok ? { deliveredAt: sql`now()` } : {}),
    })
    .where(where);
  if (!result.ok) throw new Error(`webhook ${sub.url}: ${result.error}`);
}

// Receivers that are down for a while are common: start at 30 s and double (about an hour over 8 attempts).
registerJob<DeliverPayload>(WEBHOOK_DELIVER_JOB, (job) => deliverWebhook(job.db, job), {
  maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  backoffMs: (attempt) => defaultBackoffMs(attempt) * 3,
});
