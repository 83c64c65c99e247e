import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { idempotencyKeys } from './idempotency.schema.ts';

/** A first request whose response never got stored (crash) may be retried after this long. */
const abandonAfterMs = 5 * 60_000;
const replayed = Symbol('idempotency');

function scopeKey(req: FastifyRequest, key: string) {
  return `${req.method} ${req.routeOptions.url} ${req.principal?.userId ?? req.principal?.tokenId ?? ''} ${key}`;
}

function bodyHash(req: FastifyRequest) {
  return createHash('sha256').update(JSON.stringify({ params: req.params ?? null, body: req.body ?? null })).digest('hex');
}

/**
 * preHandler of routes declared `idempotent`: the first request with a key runs and its response is stored;
 * a retry with the same key and body gets that stored response; the same key with another body is a 422.
 */
export async function idempotencyPreHandler(req: FastifyRequest, reply: FastifyReply) {
  const raw = req.headers['idempotency-key'];
  if (!req.routeOptions.config.idempotent || typeof raw !== 'string' || !req.principal) return;
  if (raw.length < 1 || raw.length > 200) throw new AppError(400, 'bad_request');
  const db = req.server.deps.database.db;
  const tenantId = req.principal.tenantId;
  const key = scopeKey(req, raw);
  const hash = bodyHash(req);
  const inserted = await db.insert(idempotencyKeys).values({ tenantId, key, requestHash: hash }).onConflictDoNothing().returning();
  if (inserted.length > 0) {
    (req as unknown as Record<symbol, unknown>)[replayed] = key;
    return;
  }
  const [prior] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
  if (!prior) throw new AppError(409, 'idempotency_in_progress');
  if (prior.requestHash !== hash) throw new AppError(422, 'idempotency_key_reused');
  if (prior.statusCode === null) {
    if (Date.now() - prior.createdAt.getTime() < abandonAfterMs) throw new AppError(409, 'idempotency_in_progress');
    // abandoned by a crashed process: take it over
    await db.update(idempotencyKeys).set({ createdAt: new Date() }).where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
    (req as unknown as Record<symbol, unknown>)[replayed] = key;
    return;
  }
  reply.header('idempotent-replayed', 'true');
  return reply.code(prior.statusCode).type('application/json; charset=utf-8').send(JSON.stringify(prior.response));
}

/** onSend: store the first response (not server errors, which may be retried for real). */
export async function idempotencyOnSend(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const key = (req as unknown as Record<symbol, string | undefined>)[replayed];
  if (!key || !req.principal) return payload;
  const db = req.server.deps.database.db;
  const where = and(eq(idempotencyKeys.tenantId, req.principal.tenantId), eq(idempotencyKeys.key, key));
  if (reply.statusCode >= 500) {
    await db.delete(idempotencyKeys).where(where);
    return payload;
  }
  let body: unknown = null;
  try {
    body = typeof payload === 'string' ? JSON.parse(payload) : null;
  } catch {
    body = null;
  }
  await db.update(idempotencyKeys).set({ statusCode: reply.statusCode, response: sql`${JSON.stringify(body)}::jsonb` }).where(where);
  return payload;
}
