import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Tx } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { AppError } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { tickets } from './tickets.schema.ts';
import { addEvent, loadTicketRow, withCustomerNames, type TicketRow } from './tickets.service.ts';
import { escalationTarget, pickAssignee } from './routing.service.ts';
import type { Ticket } from './tickets.contract.ts';

/** L1 → L2: the ticket moves to the escalation team with a reason; the new team's routing picks an agent. */
export async function escalateInTx(tx: Tx, ctx: Ctx, current: TicketRow, reason: string, toTeamId?: string): Promise<TicketRow> {
  const target = await escalationTarget(tx, ctx.tenantId, current.teamId, toTeamId);
  if (target === current.teamId) throw new AppError(422, 'already_in_team');
  const assigneeId = await pickAssignee(tx, ctx.tenantId, { ...current, teamId: target });
  const [row] = await tx
    .update(tickets)
    .set({
      teamId: target,
      assigneeId,
      escalatedFromTeamId: current.teamId,
      escalationLevel: current.escalationLevel + 1,
      version: sql`${tickets.version} + 1`,
      updatedAt: new Date(),
    })
    .where(and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.id, current.id)))
    .returning();
  await addEvent(tx, ctx, current.id, 'escalated', { fromTeamId: current.teamId, toTeamId: target, level: row.escalationLevel, reason, assigneeId });
  await recordChange(tx, ctx, { action: 'escalated', entityType: 'ticket', entityId: current.id, before: { teamId: current.teamId, assigneeId: current.assigneeId }, after: { teamId: target, assigneeId, reason } });
  return row;
}

export async function escalate(ctx: Ctx, id: string, input: { version: number; toTeamId?: string; reason: string }): Promise<Ticket> {
  return ctx.tx(async (tx) => {
    const current = checkVersion(await loadTicketRow(tx, ctx.tenantId, id, true), input.version, 'ticket');
    return (await withCustomerNames(tx, ctx.tenantId, [await escalateInTx(tx, ctx, current, input.reason, input.toTeamId)]))[0];
  });
}

/** L2 → L1: back to the team it came from, with the specialist's reason. */
export async function handBack(ctx: Ctx, id: string, input: { version: number; reason: string }): Promise<Ticket> {
  return ctx.tx(async (tx) => {
    const current = checkVersion(await loadTicketRow(tx, ctx.tenantId, id, true), input.version, 'ticket');
    if (!current.escalatedFromTeamId) throw new AppError(422, 'not_escalated');
    const back = current.escalatedFromTeamId;
    const assigneeId = await pickAssignee(tx, ctx.tenantId, { ...current, teamId: back });
    const [row] = await tx
      .update(tickets)
      .set({ teamId: back, assigneeId, escalatedFromTeamId: null, escalationLevel: Math.max(0, current.escalationLevel - 1), version: sql`${tickets.version} + 1`, updatedAt: new Date() })
      .where(and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.id, id)))
      .returning();
    await addEvent(tx, ctx, id, 'handed_back', { fromTeamId: current.teamId, toTeamId: back, reason: input.reason, assigneeId });
    await recordChange(tx, ctx, { action: 'handed_back', entityType: 'ticket', entityId: id, before: { teamId: current.teamId }, after: { teamId: back, reason: input.reason } });
    return (await withCustomerNames(tx, ctx.tenantId, [row]))[0];
  });
}
