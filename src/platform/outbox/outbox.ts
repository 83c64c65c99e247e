import { sql } from 'drizzle-orm';
import type { Tx } from '../db/db.ts';
import type { Ctx } from '../tenancy/ctx.ts';
import { auditRow, writeAudit, type AuditEntry } from '../audit/audit.ts';
import type { auditLog } from '../audit/audit.schema.ts';
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

export interface NewEvent {
  type: string;
  entityType: string;
  entityId: string;
  payload: unknown;
}

/**
 * Stores many domain events of one tenant in the caller's transaction with one statement (bulk writers such
 * as the spreadsheet import: one INSERT per chunk instead of one per event). They are delivered in list order.
 */
export async function emitEvents(tx: Tx, ctx: Pick<Ctx, 'tenantId'>, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const col = (f: (e: NewEvent) => string) => sql`${sql.param(events.map(f))}::text[]`;
  // with ordinality: the bigserial ids follow the list, so subscribers see the events in the writer's order
  await tx.execute(sql`insert into ${outboxEvents} (tenant_id, type, entity_type, entity_id, payload)
    select ${ctx.tenantId}, u.type, u.entity_type, u.entity_id, u.payload::jsonb
    from unnest(${col((e) => e.type)}, ${col((e) => e.entityType)}, ${col((e) => e.entityId)}, ${col((e) => JSON.stringify(e.payload ?? {}))}) with ordinality as u(type, entity_type, entity_id, payload, n)
    order by u.n`);
}

/**
 * The usual pair for a state change: an audit row and a domain event, in one call.
 * The event type is `<entityType>.<action>` and carries the new state (or the old one on delete).
 */
export async function recordChange(tx: Tx, ctx: Ctx, entry: AuditEntry): Promise<void> {
  await writeAudit(tx, ctx, entry);
  await emitEvent(tx, ctx, `${entry.entityType}.${entry.action}`, entry.entityType, entry.entityId, entry.after ?? entry.before ?? {});
}

/** recordChange's two rows, for a writer that folds their INSERTs into one statement with the change. */
export function changeRows(ctx: Ctx, entry: AuditEntry): { audit: typeof auditLog.$inferInsert; event: typeof outboxEvents.$inferInsert } {
  const type = `${entry.entityType}.${entry.action}`;
  return { audit: auditRow(ctx, entry), event: { tenantId: ctx.tenantId, type, entityType: entry.entityType, entityId: entry.entityId, payload: entry.after ?? entry.before ?? {} } };
}
