import { randomUUID } from 'node:crypto';
import { canTransition, type TicketStatus } from '../tickets/index.ts';
import { slaClock, type Clock, type SlaPolicy } from '../sla/index.ts';
import type { CalendarRules } from '../../platform/calendar/business-time.ts';
import type { ImportTicketLine } from './import.contract.ts';

export interface SlaRules {
  policy: SlaPolicy;
  rules: CalendarRules;
}

export interface ReplayedMessage {
  id: string;
  kind: 'public' | 'note';
  authorType: 'agent' | 'customer' | 'system';
  authorName: string;
  authorEmail: string | undefined;
  body: string;
  at: Date;
}

export interface ReplayedEvent {
  type: string;
  actorName: string;
  data: Record<string, unknown>;
  at: Date;
}

export interface Replayed {
  createdAt: Date;
  status: TicketStatus;
  clock: Clock;
  slaDueAt: Date | null;
  slaBreaches: string[];
  closedAt: Date | null;
  reopenCount: number;
  updatedAt: Date;
  messages: ReplayedMessage[];
  events: ReplayedEvent[];
}

type Step = { at: Date; order: number } & ({ kind: 'message'; m: ReplayedMessage } | { kind: 'status'; to: TicketStatus; by: string });

/**
 * Replays a ticket's history through the same rules the live product applies (tickets/messages.service):
 * a public agent reply meets the first response and opens a new ticket; a customer writing to a pending or
 * resolved ticket reopens it and starts the next-response target; pending pauses the clock. Status changes
 * from the old system are recorded as they happened even where our transition table would not offer them
 * (history is history); the line's `status` is where the ticket ends.
 */
export function replay(line: ImportTicketLine, sla: SlaRules | null, asOf: Date): Replayed {
  const createdAt = new Date(line.createdAt);
  let clock: Clock = sla ? slaClock.startClock(sla.rules, sla.policy, createdAt) : slaClock.emptyClock;
  let status: TicketStatus = 'new';
  let closedAt: Date | null = null;
  let reopenCount = 0;
  let updatedAt = createdAt;
  const events: ReplayedEvent[] = [{ type: 'created', actorName: 'import', data: { channel: line.channel, status: 'new', sla: sla?.policy.name ?? null, externalId: line.externalId }, at: createdAt }];
  const messages: ReplayedMessage[] = line.messages.map((m) => ({ id: randomUUID(), kind: m.kind, authorType: m.authorType, authorName: m.authorName, authorEmail: m.authorEmail, body: m.body, at: new Date(m.createdAt) }));
  const steps: Step[] = [
    ...messages.map((m, i): Step => ({ kind: 'message', m, at: m.at, order: i })),
    ...line.statusChanges.map((s, i): Step => ({ kind: 'status', to: s.to, by: s.by ?? 'import', at: new Date(s.at), order: 100_000 + i })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);

  const moveTo = (to: TicketStatus, at: Date, actorName: string, cause: string | undefined) => {
    if (to === status) return;
    const from = status;
    const reopening = (from === 'resolved' || from === 'closed') && to === 'open';
    if (sla) {
      if (to === 'pending') clock = slaClock.paused(clock, at);
      else if (from === 'pending') clock = slaClock.resumed(clock, sla.rules, at);
      if (to === 'resolved' || to === 'closed') clock = slaClock.resolved(clock, at);
    } else if (to === 'resolved' || to === 'closed') clock = { ...clock, resolvedAt: clock.resolvedAt ?? at };
    if (to === 'closed') closedAt = at;
    if (reopening) {
      reopenCount++;
      closedAt = null;
    }
    status = to;
    const data: Record<string, unknown> = { field: 'status', from, to, ...(cause ? { cause } : {}), ...(canTransition(from, to) ? {} : { outsideTransitions: true }) };
    events.push({ type: reopening ? 'reopened' : 'status_changed', actorName, data, at });
  };

  for (const s of steps) {
    if (s.at > updatedAt) updatedAt = s.at;
    if (s.kind === 'status') {
      moveTo(s.to, s.at, s.by, undefined);
      continue;
    }
    const m = s.m;
    // read through a cast: TypeScript cannot see that moveTo() reassigns `status` inside the loop
    const now = status as TicketStatus;
    if (m.kind === 'public') {
      if (m.authorType === 'agent' && now === 'new') moveTo('open', m.at, m.authorName, 'message');
      if (m.authorType === 'customer' && (now === 'pending' || now === 'resolved' || now === 'closed')) moveTo('open', m.at, m.authorName, 'message');
      if (m.authorType === 'agent') clock = slaClock.agentReplied(clock, m.at);
      if (m.authorType === 'customer' && sla) clock = slaClock.customerWrote(clock, sla.rules, sla.policy, m.at);
    }
    events.push({ type: 'message_added', actorName: m.authorName, data: { messageId: m.id, kind: m.kind, authorType: m.authorType }, at: m.at });
  }
  // The old system's current status wins: an export may carry fewer status changes than happened.
  if ((status as TicketStatus) !== line.status) moveTo(line.status, updatedAt, 'import', 'import');
  return {
    createdAt,
    status,
    clock,
    slaDueAt: slaClock.earliestDue(clock),
    slaBreaches: slaClock.breachedTargets(clock, asOf),
    closedAt,
    reopenCount,
    updatedAt,
    messages,
    events,
  };
}
