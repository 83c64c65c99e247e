import { describe, expect, it } from 'vitest';
import type { SlaState } from '../../modules/tickets/tickets.contract.ts';
import { formatDuration, slaView, splitMinutes } from './sla.ts';

const base: SlaState = {
  policyId: '00000000-0000-4000-8000-000000000001',
  policyName: null,
  calendarId: null,
  firstResponseDueAt: '2026-11-24T02:00:00.000Z',
  firstRespondedAt: null,
  nextResponseDueAt: null,
  resolutionDueAt: '2026-11-26T02:00:00.000Z',
  resolvedAt: null,
  pausedAt: null,
  dueAt: '2026-11-24T02:00:00.000Z',
  breached: [],
};
const created = '2026-11-24T01:00:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('slaView', () => {
  it.each([
    ['green with more than half the time left', '2026-11-24T01:20:00.000Z', 'ok'],
    ['amber once half the time has passed', '2026-11-24T01:40:00.000Z', 'warning'],
    ['red when the due time has passed', '2026-11-24T02:00:01.000Z', 'breached'],
  ])('%s', (_name, now, tone) => {
    expect(slaView(base, 'open', created, at(now)).tone).toBe(tone);
  });

  it('is red when the server reports a breach, grey when paused, met or without a policy', () => {
    expect(slaView({ ...base, breached: ['first_response'] }, 'open', created, at(created)).tone).toBe('breached');
    expect(slaView({ ...base, pausedAt: created }, 'pending', created, at(created)).tone).toBe('paused');
    expect(slaView({ ...base, resolvedAt: created, dueAt: null }, 'resolved', created, at(created)).tone).toBe('met');
    expect(slaView({ ...base, policyId: null, dueAt: null, firstResponseDueAt: null, resolutionDueAt: null }, 'open', created, at(created)).tone).toBe('none');
  });

  it('counts down to the running target', () => {
    expect(slaView(base, 'new', created, at('2026-11-24T01:30:00.000Z')).remainingMs).toBe(30 * 60_000);
  });
});

describe('formatDuration', () => {
  const u = { d: 'd', h: 'h', m: 'm', s: 's' };
  it('shows the two largest units', () => {
    expect(formatDuration((2 * 86_400 + 3 * 3600 + 5 * 60) * 1000, u)).toBe('2d 3h');
    expect(formatDuration((3 * 3600 + 5 * 60) * 1000, u)).toBe('3h 05m');
    expect(formatDuration(12 * 60_000 + 30_000, u)).toBe('12m');
    expect(formatDuration(-45_000, u)).toBe('45s');
  });
  it('splits minutes into hours and minutes', () => {
    expect(splitMinutes(90)).toEqual({ h: 1, m: 30 });
    expect(splitMinutes(null)).toBeNull();
  });
});
