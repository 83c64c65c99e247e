import type { Tx } from '../db/db.ts';
import type { Ctx } from '../tenancy/ctx.ts';
import { writeAudit, type AuditEntry } from '../audit/audit.ts';
import { outboxEvents } from './outbox.schema.ts';

export interface DomainEvent {
  id: number;
  tenantId: string;
  type: string;
  entityType: string;
  entityId: string;
  payload: unknown;
  createdAt: Date;
}

/** Stores a domain event in the caller's transaction; the worker delivers it after commit. */
export async function emitEvent(tx: Tx, ctx: Ctx, type: string, entityType: string, entityId: string, payload: unknown): Promise<void> {
  await tx.insert(outboxEvents).values({ tenantId: ctx.tenantId, type, entityType, entityId, payload: payload ?? {} });
}

/**
 * The usual pair for a state change: an audit row and a domain event, in one call.
 * The event type is `<entityType>.<action>` and carries the new state (or the old one on delete).
 */
export async function recordChange(tx: Tx, ctx: Ctx, entry: AuditEntry): Promise<void> {
  await writeAudit(tx, ctx, entry);
  await emitEvent(tx, ctx, `${entry.entityType}.${entry.action}`, entry.entityType, entry.entityId, entry.after ?? entry.before ?? {});
}
