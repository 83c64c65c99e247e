import type { SlaState, TicketStatus } from '../../modules/tickets/tickets.contract.ts';

/** green: plenty of time; amber: close (warning); red: breached; grey: paused, met or no target. */
export type SlaTone = 'ok' | 'warning' | 'breached' | 'paused' | 'met' | 'none';

export interface SlaView {
  tone: SlaTone;
  /** ms until the due time (negative: overdue); null when nothing runs */
  remainingMs: number | null;
  dueAt: string | null;
}

const closed: readonly TicketStatus[] = ['resolved', 'closed'];

/**
 * The countdown of a ticket's running SLA target. `startedAt` is when that target began (the ticket's
 * creation for first response and resolution); the share left of start→due decides the colour.
 */
export function slaView(sla: SlaState, status: TicketStatus, startedAt: string, now: number, warnAtPercent = 80): SlaView {
  if (sla.breached.length > 0 && !closed.includes(status)) {
    return { tone: 'breached', remainingMs: sla.dueAt ? Date.parse(sla.dueAt) - now : null, dueAt: sla.dueAt };
  }
  if (closed.includes(status)) return { tone: sla.breached.length > 0 ? 'breached' : sla.policyId || sla.resolutionDueAt ? 'met' : 'none', remainingMs: null, dueAt: null };
  if (sla.pausedAt) return { tone: 'paused', remainingMs: null, dueAt: sla.dueAt };
  if (!sla.dueAt) return { tone: sla.firstRespondedAt ? 'met' : 'none', remainingMs: null, dueAt: null };
  const due = Date.parse(sla.dueAt);
  const remaining = due - now;
  if (remaining <= 0) return { tone: 'breached', remainingMs: remaining, dueAt: sla.dueAt };
  const total = Math.max(1, due - Date.parse(startedAt));
  const usedPercent = ((total - remaining) / total) * 100;
  return { tone: usedPercent >= Math.min(warnAtPercent, 50) ? 'warning' : 'ok', remainingMs: remaining, dueAt: sla.dueAt };
}

export const toneColor: Record<SlaTone, string> = { ok: 'teal', warning: 'orange', breached: 'red', paused: 'gray', met: 'gray', none: 'gray' };

/** 2d 3h, 3h 05m, 12m, 45s — the largest two units of a duration. */
export function formatDuration(ms: number, units: { d: string; h: string; m: string; s: string }): string {
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}${units.d} ${h}${units.h}`;
  if (h > 0) return `${h}${units.h} ${String(m).padStart(2, '0')}${units.m}`;
  if (m > 0) return `${m}${units.m}`;
  return `${s % 60}${units.s}`;
}

/** 90 → { h: 1, m: 30 }; the SLA admin edits targets as hours and minutes. */
export function splitMinutes(total: number | null): { h: number; m: number } | null {
  if (total === null) return null;
  return { h: Math.floor(total / 60), m: total % 60 };
}
