import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Tx } from '../../platform/db/db.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { tickets } from './tickets.schema.ts';

/**
 * Customer merge: every ticket of `fromId` moves to `intoId` in the merge's transaction. The ticket's
 * version is left alone: which customer record a ticket points at is not something an agent edits, so an
 * agent with the ticket open must not get a conflict for it. One audit row lists the tickets moved.
 */
export async function reassignCustomer(tx: Tx, ctx: Ctx, fromId: string, intoId: string): Promise<number> {
  if (fromId === intoId) return 0;
  const moved = await tx
    .update(tickets)
    .set({ customerId: intoId })
    .where(and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.customerId, fromId)))
    .returning({ id: tickets.id });
  if (moved.length) {
    await writeAudit(tx, ctx, { action: 'reassigned', entityType: 'ticket', entityId: fromId, before: { customerId: fromId }, after: { customerId: intoId, ticketIds: moved.map((m) => m.id) } });
  }
  return moved.length;
}
