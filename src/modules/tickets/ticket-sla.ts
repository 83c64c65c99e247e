import type { Tx } from '../../platform/db/db.ts';
import { enqueueMany, type EnqueueInput } from '../../platform/jobs/index.ts';
import { calendarRules } from '../../platform/calendar/calendar.service.ts';
import type { CalendarRules } from '../../platform/calendar/business-time.ts';
import { getPolicy, slaClock, type Clock, type SlaPolicy } from '../sla/index.ts';
import type { tickets } from './tickets.schema.ts';

type TicketRow = Omit<typeof tickets.$inferSelect, 'searchVector'>;

export const SLA_CHECK_JOB = 'tickets.sla_check';

export function clockOf(r: Pick<TicketRow, 'firstResponseDueAt' | 'firstRespondedAt' | 'nextResponseDueAt' | 'resolutionDueAt' | 'resolvedAt' | 'slaPausedAt'>): Clock {
  return {
    firstResponseDueAt: r.firstResponseDueAt,
    firstRespondedAt: r.firstRespondedAt,
    nextResponseDueAt: r.nextResponseDueAt,
    resolutionDueAt: r.resolutionDueAt,
    resolvedAt: r.resolvedAt,
    pausedAt: r.slaPausedAt,
  };
}

export function clockColumns(c: Clock) {
  return {
    firstResponseDueAt: c.firstResponseDueAt,
    firstRespondedAt: c.firstRespondedAt,
    nextResponseDueAt: c.nextResponseDueAt,
    resolutionDueAt: c.resolutionDueAt,
    resolvedAt: c.resolvedAt,
    slaPausedAt: c.pausedAt,
    slaDueAt: slaClock.earliestDue(c),
  };
}

export interface SlaContext {
  policy: SlaPolicy;
  rules: CalendarRules;
}

/** The policy and calendar a ticket was created under (policy edits do not move existing tickets' targets). */
export async function slaOfTicket(tx: Tx, r: TicketRow): Promise<SlaContext | null> {
  if (!r.slaPolicyId || !r.slaCalendarId) return null;
  const policy = await getPolicy(tx, r.tenantId, r.slaPolicyId);
  if (!policy) return null;
  return { policy, rules: await calendarRules(tx, r.tenantId, r.slaCalendarId) };
}

/**
 * A check at each running target's warning time and due time; the job re-reads the ticket, so checks for
 * targets that have since stopped or moved do nothing. Deduplicated per ticket, target and instant.
 * `notBefore` (imports): only checks still ahead of that instant; history already decided the past ones.
 */
export function slaCheckJobs(tenantId: string, ticketId: string, clock: Clock, warnAtPercent: number, startedAt: Date, notBefore?: Date): EnqueueInput[] {
  const checks: EnqueueInput[] = [];
  for (const { target, dueAt } of slaClock.runningTargets(clock)) {
    const span = dueAt.getTime() - startedAt.getTime();
    const warnAt = new Date(startedAt.getTime() + (span * warnAtPercent) / 100);
    for (const [kind, at] of [['warning', warnAt], ['breach', dueAt]] as const) {
      if (kind === 'warning' && span <= 0) continue;
      let runAt: Date = at;
      if (notBefore && runAt < notBefore) {
        // past its warning time but not yet due: warn now
        if (kind === 'warning' && dueAt > notBefore) runAt = notBefore;
        else continue;
      }
      checks.push({
        tenantId,
        name: SLA_CHECK_JOB,
        payload: { ticketId, target, kind, dueAt: dueAt.toISOString() },
        runAt,
        dedupeKey: `sla:${ticketId}:${target}:${kind}:${dueAt.toISOString()}`,
      });
    }
  }
  return checks;
}

export async function scheduleChecks(tx: Tx, tenantId: string, ticketId: string, clock: Clock, warnAtPercent: number, startedAt: Date): Promise<void> {
  // one statement for all of a ticket's checks (they were four round trips on every create)
  await enqueueMany(tx, slaCheckJobs(tenantId, ticketId, clock, warnAtPercent, startedAt));
}
