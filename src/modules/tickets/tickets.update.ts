import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Tx } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { tickets } from './tickets.schema.ts';
import type { Ticket, UpdateTicket } from './tickets.contract.ts';
import { addEvent, assertRefs, loadTicketRow, statusChange, withCustomerNames, type TicketRow } from './tickets.service.ts';
import { rebuildTicketText } from './ticket-text.ts';
import { clockOf, scheduleChecks, slaOfTicket, type SlaContext } from './ticket-sla.ts';
import { checkCustomFields } from './custom-fields.service.ts';

/** Field and status changes with optimistic concurrency; every change becomes a ticket event and an audit row. */
export async function updateTicketInTx(tx: Tx, ctx: Ctx, id: string, input: UpdateTicket, _opts: { allowSame?: boolean } = {}): Promise<Ticket> {
  {
    const current = checkVersion(await loadTicketRow(tx, ctx.tenantId, id, true), input.version, 'ticket');
    if (input.customFields) await checkCustomFields(tx, ctx, input.type ?? current.type, input.customFields, current.customFields);
    await assertRefs(tx, ctx, input);
    const now = new Date();
    const { version: _v, status, ...fields } = input;
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(fields)) {
      const before = current[k as keyof TicketRow];
      if (v !== undefined && JSON.stringify(before) !== JSON.stringify(v)) changed[k] = { from: before, to: v };
    }
    let statusCols = {};
    let sla: SlaContext | null = null;
    let reopening = false;
    if (status && status !== current.status) {
      sla = await slaOfTicket(tx, current);
      const s = statusChange(current, status, sla, now);
      statusCols = s.columns;
      reopening = s.reopening;
      changed.status = { from: current.status, to: status };
    }
    if (Object.keys(changed).length === 0) return (await withCustomerNames(tx, ctx.tenantId, [current]))[0];
    const [row] = await tx
      .update(tickets)
      .set({ ...fields, ...statusCols, version: sql`${tickets.version} + 1`, updatedAt: now })
      .where(and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.id, id)))
      .returning();
    if (input.subject) await rebuildTicketText(tx, ctx.tenantId, [row.id]);
    for (const [field, c] of Object.entries(changed)) {
      await addEvent(tx, ctx, id, field === 'status' ? (reopening ? 'reopened' : 'status_changed') : field === 'assigneeId' ? 'assigned' : 'field_changed', { field, ...c });
    }
    const [before, after] = await withCustomerNames(tx, ctx.tenantId, [current, row]);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'ticket', entityId: id, before, after });
    if (sla && row.slaDueAt) await scheduleChecks(tx, ctx.tenantId, id, clockOf(row), sla.policy.warnAtPercent, now);
    return after;
  }
}


export function updateTicket(ctx: Ctx, id: string, input: UpdateTicket): Promise<Ticket> {
  return ctx.tx((tx) => updateTicketInTx(tx, ctx, id, input));
}
