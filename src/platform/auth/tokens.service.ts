import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import type { Ctx } from '../tenancy/ctx.ts';
import { notFound } from '../http/errors.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { recordChange } from '../outbox/outbox.ts';
import { apiTokens } from './auth.schema.ts';
import { sha256 } from './principal.ts';
import type { ApiToken, CreateApiToken, TokenListQuery } from './tokens.contract.ts';
import type { Role } from './roles.contract.ts';

type TokenRow = typeof apiTokens.$inferSelect;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    roles: r.roles as Role[],
    createdAt: r.createdAt.toISOString(),
    expiresAt: iso(r.expiresAt),
    lastUsedAt: iso(r.lastUsedAt),
    revokedAt: iso(r.revokedAt),
  };
}

export async function listTokens(ctx: Ctx, q: TokenListQuery) {
  const conds: SQL[] = [eq(apiTokens.tenantId, ctx.tenantId)];
  if (q.includeRevoked !== 'true') conds.push(isNull(apiTokens.revokedAt));
  const after = decodeCursor(q.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${apiTokens.createdAt}, ${apiTokens.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rs = await ctx.db.select().from(apiTokens).where(and(...conds)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id)).limit(q.limit + 1);
  const p = toPage(rs, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: p.items.map(toToken), nextCursor: p.nextCursor };
}

/** The secret embeds the tenant id, so a request finds its tenant without a global index. */
export async function createToken(ctx: Ctx, input: CreateApiToken): Promise<{ token: ApiToken; secret: string }> {
  const random = randomBytes(32).toString('base64url');
  const secret = `ast_${ctx.tenantId.replace(/-/g, '')}_${random}`;
  return ctx.tx(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        tenantId: ctx.tenantId,
        name: input.name,
        tokenHash: sha256(random),
        prefix: random.slice(0, 6),
        roles: [...new Set(input.roles)],
        createdBy: ctx.actor.userId,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      })
      .returning();
    const token = toToken(row);
    await recordChange(tx, ctx, { action: 'created', entityType: 'api_token', entityId: row.id, after: token });
    return { token, secret };
  });
}

export async function revokeToken(ctx: Ctx, id: string): Promise<ApiToken> {
  return ctx.tx(async (tx) => {
    const [current] = await tx.select().from(apiTokens).where(and(eq(apiTokens.tenantId, ctx.tenantId), eq(apiTokens.id, id))).for('update');
    if (!current) throw notFound();
    if (current.revokedAt) return toToken(current);
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.tenantId, ctx.tenantId), eq(apiTokens.id, id)))
      .returning();
    const after = toToken(row);
    await recordChange(tx, ctx, { action: 'revoked', entityType: 'api_token', entityId: id, before: toToken(current), after });
    return after;
  });
}

/** last_used_at is written at most once a minute per token and process: reads stay reads. */
const lastTouch = new Map<string, number>();
export function touchToken(db: Db, tenantId: string, tokenId: string): void {
  const now = Date.now();
  if (now - (lastTouch.get(tokenId) ?? 0) < 60_000) return;
  lastTouch.set(tokenId, now);
  void db
    .update(apiTokens)
    .set({ lastUsedAt: new Date(now) })
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, tokenId)))
    .catch(() => lastTouch.delete(tokenId));
}
