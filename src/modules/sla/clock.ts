import { addBusinessMinutes, businessMinutesBetween, type CalendarRules } from '../../platform/calendar/business-time.ts';
import type { SlaTarget } from './sla.contract.ts';

/**
 * The SLA clock of one ticket, as pure functions of its events. Targets count business time in the
 * policy's calendar; while the ticket is pending (waiting for the customer) the clock is paused, and on
 * resume every running due time moves by the business time that was left when it paused.
 */
export interface Targets {
  firstResponseMinutes: number | null;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
}

export interface Clock {
  firstResponseDueAt: Date | null;
  firstRespondedAt: Date | null;
  nextResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  resolvedAt: Date | null;
  pausedAt: Date | null;
}

export const emptyClock: Clock = { firstResponseDueAt: null, firstRespondedAt: null, nextResponseDueAt: null, resolutionDueAt: null, resolvedAt: null, pausedAt: null };

const plus = (rules: CalendarRules, at: Date, minutes: number | null) => (minutes === null ? null : addBusinessMinutes(rules, at, minutes));

export function startClock(rules: CalendarRules, targets: Targets, createdAt: Date): Clock {
  return {
    ...emptyClock,
    firstResponseDueAt: plus(rules, createdAt, targets.firstResponseMinutes),
    resolutionDueAt: plus(rules, createdAt, targets.resolutionMinutes),
  };
}

/** A public agent reply meets the first-response target and answers any waiting next response. */
export function agentReplied(clock: Clock, at: Date): Clock {
  return { ...clock, firstRespondedAt: clock.firstRespondedAt ?? at, nextResponseDueAt: null };
}

/** A customer writing again after the first answer starts the next-response target (if none runs). */
export function customerWrote(clock: Clock, rules: CalendarRules, targets: Targets, at: Date): Clock {
  if (!clock.firstRespondedAt || clock.nextResponseDueAt || targets.nextResponseMinutes === null) return clock;
  return { ...clock, nextResponseDueAt: addBusinessMinutes(rules, clock.pausedAt ?? at, targets.nextResponseMinutes) };
}

export function paused(clock: Clock, at: Date): Clock {
  return clock.pausedAt ? clock : { ...clock, pausedAt: at };
}

export function resumed(clock: Clock, rules: CalendarRules, at: Date): Clock {
  if (!clock.pausedAt) return clock;
  const from = clock.pausedAt;
  const shift = (due: Date | null, stopped: Date | null) => {
    if (!due || stopped) return due;
    const left = businessMinutesBetween(rules, from, due);
    return left > 0 ? addBusinessMinutes(rules, at, left) : due; // already overdue when paused: stays overdue
  };
  return {
    ...clock,
    pausedAt: null,
    firstResponseDueAt: shift(clock.firstResponseDueAt, clock.firstRespondedAt),
    nextResponseDueAt: shift(clock.nextResponseDueAt, null),
    resolutionDueAt: shift(clock.resolutionDueAt, clock.resolvedAt),
  };
}

/** The first resolution stops the resolution target for good (reopening does not restart it). */
export function resolved(clock: Clock, at: Date): Clock {
  return { ...clock, resolvedAt: clock.resolvedAt ?? at, pausedAt: null, nextResponseDueAt: null };
}

/** Running targets with their due times; none while paused. */
export function runningTargets(clock: Clock): { target: SlaTarget; dueAt: Date }[] {
  if (clock.pausedAt) return [];
  const out: { target: SlaTarget; dueAt: Date }[] = [];
  if (clock.firstResponseDueAt && !clock.firstRespondedAt) out.push({ target: 'first_response', dueAt: clock.firstResponseDueAt });
  if (clock.nextResponseDueAt) out.push({ target: 'next_response', dueAt: clock.nextResponseDueAt });
  if (clock.resolutionDueAt && !clock.resolvedAt) out.push({ target: 'resolution', dueAt: clock.resolutionDueAt });
  return out;
}

export function earliestDue(clock: Clock): Date | null {
  const due = runningTargets(clock).map((r) => r.dueAt.getTime());
  return due.length ? new Date(Math.min(...due)) : null;
}

/** Targets whose time has run out by `now` (stopped targets count by the time they stopped). */
export function breachedTargets(clock: Clock, now: Date): SlaTarget[] {
  const out: SlaTarget[] = [];
  const late = (due: Date | null, stop: Date | null) => !!due && (stop ?? (clock.pausedAt && !stop ? clock.pausedAt : now)) > due;
  if (late(clock.firstResponseDueAt, clock.firstRespondedAt)) out.push('first_response');
  if (clock.nextResponseDueAt && (clock.pausedAt ?? now) > clock.nextResponseDueAt) out.push('next_response');
  if (late(clock.resolutionDueAt, clock.resolvedAt)) out.push('resolution');
  return out;
}
