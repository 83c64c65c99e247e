import type { ServerResponse } from 'node:http';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/db.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { App } from '../../platform/http/types.ts';
import { subscribe } from '../../platform/outbox/dispatch.ts';
import type { DomainEvent } from '../../platform/outbox/outbox.ts';
import { ticketEvents, tickets } from './tickets.schema.ts';

/**
 * Live updates of one ticket as server-sent events (`text/event-stream`).
 *
 * Two sources wake a ticket's watchers: outbox subscribers (`ticket.*`, `ticket_message.*`), which run as jobs
 * in whichever process runs the worker, so they only help when that is this process; and a poll of the ticket's
 * version / updated_at every few seconds, which works however many API processes there are. Both only trigger
 * a check; a message is sent when the ticket's state actually differs from what the client last saw.
 *
 * Messages: `event: ready` once, then `event: ticket` with `{ ticketId, version, updatedAt, actorName, eventType }`
 * whenever the ticket changed; a comment line every 25 s keeps proxies from closing the connection.
 */
export const streamSettings = {
  pollMs: 4000,
  heartbeatMs: 25_000,
  /** open streams in this process */
  maxStreams: 1000,
  /** open streams of one user (tabs) */
  maxPerUser: 20,
  /** keep the outbox subscribers this long after the last stream closed (their queued jobs still find them) */
  lingerMs: 10 * 60_000,
};

interface Client {
  res: ServerResponse;
  userId: string | null;
}

interface Watch {
  tenantId: string;
  ticketId: string;
  db: Db;
  clients: Set<Client>;
  seen: string;
  timer: NodeJS.Timeout;
  checking: boolean;
  again: boolean;
}

const watches = new Map<string, Watch>();
const perUser = new Map<string, number>();
let open = 0;

const keyOf = (tenantId: string, ticketId: string) => `${tenantId}:${ticketId}`;

interface TicketState {
  signature: string;
  data: { ticketId: string; version: number; updatedAt: string; actorName: string | null; eventType: string | null };
}

async function readState(db: Db, tenantId: string, ticketId: string): Promise<TicketState | null> {
  const [row] = await db
    .select({ version: tickets.version, updatedAt: tickets.updatedAt })
    .from(tickets)
    .where(and(eq(tickets.tenantId, tenantId), eq(tickets.id, ticketId)));
  if (!row) return null;
  const [last] = await db
    .select({ id: ticketEvents.id, type: ticketEvents.type, actorName: ticketEvents.actorName })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.tenantId, tenantId), eq(ticketEvents.ticketId, ticketId)))
    .orderBy(desc(ticketEvents.id))
    .limit(1);
  const updatedAt = row.updatedAt.toISOString();
  return {
    signature: `${row.version}|${updatedAt}|${last ? String(last.id) : ''}`,
    data: { ticketId, version: row.version, updatedAt, actorName: last?.actorName ?? null, eventType: last?.type ?? null },
  };
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Compares the ticket with what the watchers last saw; tells them when it changed. Never runs twice at once. */
async function check(w: Watch): Promise<void> {
  if (w.checking) {
    w.again = true;
    return;
  }
  w.checking = true;
  try {
    do {
      w.again = false;
      const state = await readState(w.db, w.tenantId, w.ticketId);
      if (!state) {
        for (const c of w.clients) send(c.res, 'deleted', { ticketId: w.ticketId });
        continue;
      }
      if (state.signature === w.seen) continue;
      w.seen = state.signature;
      for (const c of w.clients) send(c.res, 'ticket', state.data);
    } while (w.again && w.clients.size > 0);
  } catch {
    /* a failed poll is retried at the next tick */
  } finally {
    w.checking = false;
  }
}

/** Wakes the watchers of a ticket in this process (from the outbox subscribers). */
export function notifyTicketChanged(tenantId: string, ticketId: string): void {
  const w = watches.get(keyOf(tenantId, ticketId));
  if (w) void check(w);
}

function ticketIdOf(event: DomainEvent): string | null {
  if (event.entityType === 'ticket') return event.entityId;
  const p = z.object({ ticketId: z.string() }).safeParse(event.payload);
  return p.success ? p.data.ticketId : null;
}

const onEvent = (event: DomainEvent) => {
  const id = ticketIdOf(event);
  if (id) notifyTicketChanged(event.tenantId, id);
  return Promise.resolve();
};
/**
 * The outbox subscribers exist only while someone watches a ticket in this process (and a while after),
 * so bulk work such as a history import does not queue a delivery job per event for nobody.
 * Best effort: a missed wake-up is caught by the poll, so no retries.
 */
let unsubscribe: (() => void) | null = null;
let lingerTimer: NodeJS.Timeout | null = null;
function ensureSubscribed(): void {
  if (lingerTimer) {
    clearTimeout(lingerTimer);
    lingerTimer = null;
  }
  if (unsubscribe) return;
  const a = subscribe('ticket.*', onEvent, { name: 'tickets.stream.ticket', maxAttempts: 1 });
  const b = subscribe('ticket_message.*', onEvent, { name: 'tickets.stream.message', maxAttempts: 1 });
  unsubscribe = () => {
    a();
    b();
  };
}
function releaseSubscriptionLater(): void {
  if (watches.size > 0 || !unsubscribe || lingerTimer) return;
  lingerTimer = setTimeout(() => {
    lingerTimer = null;
    if (watches.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  }, streamSettings.lingerMs);
  lingerTimer.unref();
}

function attach(db: Db, tenantId: string, ticketId: string, client: Client, initial: TicketState): () => void {
  const key = keyOf(tenantId, ticketId);
  ensureSubscribed();
  let w = watches.get(key);
  if (!w) {
    const created: Watch = { tenantId, ticketId, db, clients: new Set(), seen: initial.signature, checking: false, again: false, timer: setInterval(() => void check(created), streamSettings.pollMs) };
    created.timer.unref();
    watches.set(key, created);
    w = created;
  }
  const watch = w;
  watch.clients.add(client);
  return () => {
    watch.clients.delete(client);
    if (watch.clients.size === 0) {
      clearInterval(watch.timer);
      watches.delete(key);
      releaseSubscriptionLater();
    }
  };
}

/** Streams that are open in this process (for tests and health views). */
export function openStreamCount(): number {
  return open;
}

export function ticketStreamRoutes(app: App) {
  const active = new Set<() => void>();
  // shutting down: end the streams so closing the server does not wait for them
  app.addHook('preClose', async () => {
    for (const end of [...active]) end();
  });
  app.get(
    '/api/v1/tickets/:id/events/stream',
    {
      config: { access: 'tickets.read' },
      schema: {
        tags: ['tickets'],
        summary: 'Live updates of one ticket (server-sent events: `ready`, then `ticket` on every change; heartbeats every 25 s)',
        params: z.object({ id: z.string().uuid() }),
      },
    },
    async (req, reply) => {
      const { tenantId } = req.ctx;
      const ticketId = req.params.id;
      const userId = req.ctx.actor.userId ?? null;
      const initial = await readState(req.ctx.db, tenantId, ticketId);
      if (!initial) throw notFound();
      const userKey = `${tenantId}:${userId ?? 'token'}`;
      if (open >= streamSettings.maxStreams || (perUser.get(userKey) ?? 0) >= streamSettings.maxPerUser) throw new AppError(429, 'rate_limited', { seconds: 30 }, { headers: { 'retry-after': '30' } });

      open += 1;
      perUser.set(userKey, (perUser.get(userKey) ?? 0) + 1);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 3000\n\n`);
      send(res, 'ready', initial.data);
      const client: Client = { res, userId };
      const detach = attach(req.ctx.db, tenantId, ticketId, client, initial);
      const heartbeat = setInterval(() => res.write(`: ping ${Date.now()}\n\n`), streamSettings.heartbeatMs);
      heartbeat.unref();

      let closed = false;
      const cleanup = () => {
        if (closed) return;
        closed = true;
        active.delete(cleanup);
        clearInterval(heartbeat);
        detach();
        open -= 1;
        const n = (perUser.get(userKey) ?? 1) - 1;
        if (n <= 0) perUser.delete(userKey);
        else perUser.set(userKey, n);
        if (!res.writableEnded) res.end();
      };
      active.add(cleanup);
      req.raw.on('close', cleanup);
      res.on('close', cleanup);
      res.on('error', cleanup);
    },
  );
}
