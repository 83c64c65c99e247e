import type { Tx } from '../db/db.ts';
import type { Ctx } from '../tenancy/ctx.ts';
import { auditLog } from './audit.schema.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

const secretFields = new Set(['passwordHash', 'password', 'tokenHash', 'secret', 'token']);

/** Secrets never reach the audit log, not even hashed. */
function redact(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = secretFields.has(k) ? '[redacted]' : redact(v);
  return out;
}

/** Written inside the caller's transaction: the change and its audit row commit or roll back together. */
export async function writeAudit(tx: Tx, ctx: Ctx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(auditRow(ctx, entry));
}

/** The audit row of a change, for a writer that folds its INSERT into one statement with the change. */
export function auditRow(ctx: Ctx, entry: AuditEntry): typeof auditLog.$inferInsert {
  return {
    tenantId: ctx.tenantId,
    actorUserId: ctx.actor.userId,
    actorTokenId: ctx.actor.tokenId,
    actorName: ctx.actor.name,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: redact(entry.before),
    after: redact(entry.after),
    ip: ctx.ip,
    requestId: ctx.requestId,
  };
}
