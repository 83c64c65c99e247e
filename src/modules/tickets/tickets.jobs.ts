import { and, eq, sql } from 'drizzle-orm';
import { registerJob } from '../../platform/jobs/index.ts';
import { systemCtx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import { slaClock, type SlaTarget } from '../sla/index.ts';
import { tickets } from './tickets.schema.ts';
import { addEvent, loadTicketRow } from './tickets.service.ts';
import { clockOf, SLA_CHECK_JOB } from './ticket-sla.ts';
import { getRouting } from './routing.service.ts';
import { escalateInTx } from './escalation.service.ts';

registerEventTypes(
  'ticket.created', 'ticket.updated', 'ticket.escalated', 'ticket.handed_back', 'ticket.merged', 'ticket.split', 'ticket.linked', 'ticket.mentioned',
  'ticket.sla_warning', 'ticket.sla_breached', 'ticket_message.created', 'customer.created',
);

interface CheckPayload {
  ticketId: string;
  target: SlaTarget;
  kind: 'warning' | 'breach';
  dueAt: string;
}

/**
 * Runs at a target's warning and due time. It re-reads the ticket: if the target has stopped or moved
 * since the job was queued, it does nothing; otherwise it records the warning or breach once.
 */
registerJob<CheckPayload>(SLA_CHECK_JOB, async (job) => {
  const { ticketId, target, kind, dueAt } = job.payload;
  await job.db.transaction(async (tx) => {
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, job.tenantId));
    if (!tenant) return;
    const ctx = systemCtx(job.db, tenant);
    const row = await loadTicketRow(tx, job.tenantId, ticketId, true);
    if (!row) return;
    const running = slaClock.runningTargets(clockOf(row)).find((r) => r.target === target);
    if (!running || running.dueAt.toISOString() !== dueAt) return;
    if (kind === 'warning') {
      await addEvent(tx, ctx, ticketId, 'sla_warning', { target, dueAt });
      await recordChange(tx, ctx, { action: 'sla_warning', entityType: 'ticket', entityId: ticketId, after: { target, dueAt, number: row.number, assigneeId: row.assigneeId, teamId: row.teamId } });
      return;
    }
    if (row.slaBreaches.includes(target) || new Date() < running.dueAt) return;
    await tx
      .update(tickets)
      .set({ slaBreaches: sql`array_append(${tickets.slaBreaches}, ${target})` })
      .where(and(eq(tickets.tenantId, job.tenantId), eq(tickets.id, ticketId)));
    await addEvent(tx, ctx, ticketId, 'sla_breached', { target, dueAt });
    await recordChange(tx, ctx, { action: 'sla_breached', entityType: 'ticket', entityId: ticketId, after: { target, dueAt, number: row.number, assigneeId: row.assigneeId, teamId: row.teamId } });
    // automatic escalation: a first-line ticket whose team asks for it moves to the L2 team once
    const routing = row.teamId ? await getRouting(tx, job.tenantId, row.teamId) : null;
    if (routing?.escalateOnBreach && routing.escalationTeamId && row.escalationLevel === 0) {
      await escalateInTx(tx, ctx, { ...row, slaBreaches: [...row.slaBreaches, target] }, `SLA ${target} breached`);
    }
  });
});
