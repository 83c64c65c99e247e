import { and, asc, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { enqueueMany, registerJob, type EnqueueInput, type JobContext } from '../jobs/queue.ts';
import { fanOutToWebhooks } from '../webhooks/webhooks.delivery.ts';
import { matchesEventType } from './event-types.ts';
import { outboxEvents } from './outbox.schema.ts';
import type { DomainEvent } from './outbox.ts';

/**
 * Delivery of domain events to in-process subscribers.
 *
 * Failure semantics: the dispatcher never calls a subscriber itself. For each (event, matching subscriber)
 * it enqueues an `outbox.deliver` job, in the same transaction that marks the event processed. So
 *  - an event is fanned out exactly once (row lock + processed_at; dedupe key per event and subscriber);
 *  - a failing subscriber is retried with backoff by the job queue and finally dead-lettered, visible in
 *    GET /api/v1/jobs and re-runnable by an admin; it never blocks the event for other subscribers;
 *  - a subscriber runs at least once: it must be idempotent (a crash after its work, before the job is
 *    marked done, runs it again). Subscribers of one event run independently, in no guaranteed order.
 */
export type EventHandler = (event: DomainEvent, job: JobContext<DeliverPayload>) => Promise<void>;

interface Subscriber {
  name: string;
  pattern: string;
  handler: EventHandler;
  maxAttempts?: number;
}

interface SerializedEvent extends Omit<DomainEvent, 'createdAt'> {
  createdAt: string;
}

export interface DeliverPayload {
  subscriber: string;
  event: SerializedEvent;
}

export const DELIVER_JOB = 'outbox.deliver';
const subscribers = new Map<string, Subscriber>();
const perPattern = new Map<string, number>();

/**
 * Calls `handler` (through the job queue) for every event whose type matches `pattern`: '*', 'user.*' or
 * an exact type. The name identifies the subscriber in queued jobs, so it must be stable across restarts;
 * by default it is the pattern plus the registration order for that pattern. Returns an unsubscribe function.
 */
export function subscribe(pattern: string, handler: EventHandler, opts: { name?: string; maxAttempts?: number } = {}): () => void {
  let name = opts.name;
  if (!name) {
    const n = (perPattern.get(pattern) ?? 0) + 1;
    perPattern.set(pattern, n);
    name = `${pattern}#${n}`;
  }
  if (subscribers.has(name)) throw new Error(`an event subscriber named "${name}" already exists`);
  subscribers.set(name, { name, pattern, handler, maxAttempts: opts.maxAttempts });
  const registered = name;
  return () => void subscribers.delete(registered);
}

registerJob<DeliverPayload>(DELIVER_JOB, async (job) => {
  const s = subscribers.get(job.payload.subscriber);
  if (!s) throw new Error(`no event subscriber "${job.payload.subscriber}" in this process`);
  await s.handler({ ...job.payload.event, createdAt: new Date(job.payload.event.createdAt) }, job);
});

function toDomainEvent(r: typeof outboxEvents.$inferSelect): DomainEvent {
  return { id: r.id, tenantId: r.tenantId, type: r.type, entityType: r.entityType, entityId: r.entityId, payload: r.payload, createdAt: r.createdAt };
}

/**
 * One batch of pending events, oldest first: subscriber jobs, webhook deliveries and processed_at are
 * written in one transaction. SKIP LOCKED lets several workers take disjoint batches. Returns the batch size.
 */
export async function dispatchOutbox(db: Db, opts: { limit?: number } = {}): Promise<number> {
  return db.transaction(async (tx) => {
    const batch = await tx
      .select()
      .from(outboxEvents)
      .where(isNull(outboxEvents.processedAt))
      .orderBy(asc(outboxEvents.id))
      .limit(opts.limit ?? 100)
      .for('update', { skipLocked: true });
    if (batch.length === 0) return 0;
    const events = batch.map(toDomainEvent);
    const deliveries: EnqueueInput[] = [];
    for (const event of events) {
      for (const s of subscribers.values()) {
        if (!matchesEventType(s.pattern, event.type)) continue;
        const payload: DeliverPayload = { subscriber: s.name, event: { ...event, createdAt: event.createdAt.toISOString() } };
        deliveries.push({ tenantId: event.tenantId, name: DELIVER_JOB, payload, maxAttempts: s.maxAttempts, dedupeKey: `outbox:${event.id}:${s.name}` });
      }
    }
    await enqueueMany(tx, deliveries);
    await fanOutToWebhooks(tx, events);
    await tx
      .update(outboxEvents)
      .set({ processedAt: sql`now()` })
      .where(and(inArray(outboxEvents.id, events.map((e) => e.id)), isNull(outboxEvents.processedAt)));
    return events.length;
  });
}
