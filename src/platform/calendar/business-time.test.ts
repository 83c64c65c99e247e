import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, isWorkingTime, NoWorkingTimeError, type CalendarRules, type WeeklyHours } from './business-time.ts';
import { chinaOfficialDays } from './china-official.ts';

const nineToSix = [{ start: '09:00', end: '18:00' }];
const weekdaysOnly = (hours: { start: string; end: string }[]): WeeklyHours => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: [], sun: [] });

/** The `cn-standard` calendar every demo tenant has. */
const cnStandard: CalendarRules = {
  timeZone: 'Asia/Shanghai',
  weeklyHours: weekdaysOnly(nineToSix),
  holidays: new Set(chinaOfficialDays.filter((d) => d.kind === 'holiday').map((d) => d.date)),
  workdays: new Set(chinaOfficialDays.filter((d) => d.kind === 'workday').map((d) => d.date)),
};
const withLunch: CalendarRules = { ...cnStandard, weeklyHours: weekdaysOnly([{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }]) };
const newYork: CalendarRules = { timeZone: 'America/New_York', weeklyHours: weekdaysOnly([{ start: '09:00', end: '17:00' }]), holidays: new Set(), workdays: new Set() };

// Cases worked out by hand from the State Council notices (times in +08:00 unless stated).
const addCases: { name: string; rules: CalendarRules; start: string; minutes: number; due: string }[] = [
  { name: 'inside hours, same day', rules: cnStandard, start: '2025-03-12T10:00:00+08:00', minutes: 30, due: '2025-03-12T10:30:00+08:00' },
  { name: 'starts before opening', rules: cnStandard, start: '2025-03-12T07:00:00+08:00', minutes: 30, due: '2025-03-12T09:30:00+08:00' },
  { name: 'starts after closing', rules: cnStandard, start: '2025-03-12T20:00:00+08:00', minutes: 30, due: '2025-03-13T09:30:00+08:00' },
  { name: 'over a normal weekend', rules: cnStandard, start: '2025-03-14T17:30:00+08:00', minutes: 60, due: '2025-03-17T09:30:00+08:00' },
  { name: 'ends exactly at closing', rules: cnStandard, start: '2025-03-12T17:00:00+08:00', minutes: 60, due: '2025-03-12T18:00:00+08:00' },
  { name: 'starts on a holiday (Qingming 2025)', rules: cnStandard, start: '2025-04-04T10:00:00+08:00', minutes: 60, due: '2025-04-07T10:00:00+08:00' },
  { name: 'adjusted Saturday is worked (2025-02-08)', rules: cnStandard, start: '2025-02-08T10:00:00+08:00', minutes: 60, due: '2025-02-08T11:00:00+08:00' },
  { name: 'adjusted Sunday after New Year 2026', rules: cnStandard, start: '2026-01-02T10:00:00+08:00', minutes: 30, due: '2026-01-04T09:30:00+08:00' },
  { name: 'across Spring Festival 2025', rules: cnStandard, start: '2025-01-27T17:00:00+08:00', minutes: 120, due: '2025-02-05T10:00:00+08:00' },
  { name: 'into the Spring Festival 2026 make-up Saturday', rules: cnStandard, start: '2026-02-13T17:00:00+08:00', minutes: 120, due: '2026-02-14T10:00:00+08:00' },
  { name: 'across Spring Festival 2026 (48 h resolution ends on the make-up Saturday 02-28)', rules: cnStandard, start: '2026-02-14T09:00:00+08:00', minutes: 48 * 60, due: '2026-02-28T12:00:00+08:00' },
  { name: 'across National Day 2025', rules: cnStandard, start: '2025-09-30T17:00:00+08:00', minutes: 120, due: '2025-10-09T10:00:00+08:00' },
  { name: 'across National Day 2026', rules: cnStandard, start: '2026-09-30T17:00:00+08:00', minutes: 600, due: '2026-10-08T18:00:00+08:00' },
  { name: 'lunch break skipped', rules: withLunch, start: '2025-03-12T11:30:00+08:00', minutes: 60, due: '2025-03-12T13:30:00+08:00' },
  { name: 'starts during lunch', rules: withLunch, start: '2025-03-12T12:15:00+08:00', minutes: 10, due: '2025-03-12T13:10:00+08:00' },
  { name: 'zero minutes is the start itself', rules: cnStandard, start: '2025-03-15T12:00:00+08:00', minutes: 0, due: '2025-03-15T12:00:00+08:00' },
  { name: 'DST starts (New York, 2026-03-08)', rules: newYork, start: '2026-03-06T16:00:00-05:00', minutes: 120, due: '2026-03-09T10:00:00-04:00' },
  { name: 'DST ends (New York, 2026-11-01)', rules: newYork, start: '2026-10-30T16:30:00-04:00', minutes: 60, due: '2026-11-02T09:30:00-05:00' },
];

describe('addBusinessMinutes', () => {
  for (const c of addCases) {
    it(c.name, () => {
      expect(addBusinessMinutes(c.rules, new Date(c.start), c.minutes).toISOString()).toBe(new Date(c.due).toISOString());
    });
  }

  it('fails instead of looping on a calendar without working time', () => {
    const none: CalendarRules = { ...newYork, weeklyHours: weekdaysOnly([]) };
    expect(() => addBusinessMinutes(none, new Date('2026-01-01T00:00:00Z'), 1)).toThrow(NoWorkingTimeError);
  });
});

const betweenCases: { name: string; rules: CalendarRules; from: string; to: string; minutes: number }[] = [
  { name: 'same working day', rules: cnStandard, from: '2025-03-12T10:00:00+08:00', to: '2025-03-12T12:30:00+08:00', minutes: 150 },
  { name: 'over a weekend', rules: cnStandard, from: '2025-03-14T17:00:00+08:00', to: '2025-03-17T10:00:00+08:00', minutes: 120 },
  { name: 'through Spring Festival 2025', rules: cnStandard, from: '2025-01-27T09:00:00+08:00', to: '2025-02-05T09:00:00+08:00', minutes: 540 },
  { name: 'a whole holiday', rules: cnStandard, from: '2025-10-01T00:00:00+08:00', to: '2025-10-08T23:59:00+08:00', minutes: 0 },
  { name: 'with lunch', rules: withLunch, from: '2025-03-12T09:00:00+08:00', to: '2025-03-12T18:00:00+08:00', minutes: 480 },
  { name: 'reversed is negative', rules: cnStandard, from: '2025-03-12T12:30:00+08:00', to: '2025-03-12T10:00:00+08:00', minutes: -150 },
  { name: 'across DST in New York', rules: newYork, from: '2026-03-06T09:00:00-05:00', to: '2026-03-09T17:00:00-04:00', minutes: 960 },
];

describe('businessMinutesBetween', () => {
  for (const c of betweenCases) {
    it(c.name, () => {
      expect(businessMinutesBetween(c.rules, new Date(c.from), new Date(c.to))).toBe(c.minutes);
    });
  }

  it('is the inverse of addBusinessMinutes', () => {
    for (const c of addCases.filter((x) => x.minutes > 0)) {
      const start = new Date(c.start);
      const due = addBusinessMinutes(c.rules, start, c.minutes);
      expect(businessMinutesBetween(c.rules, start, due), c.name).toBe(c.minutes);
    }
  });
});

describe('isWorkingTime', () => {
  it('knows holidays, make-up days and hours', () => {
    expect(isWorkingTime(cnStandard, new Date('2026-02-16T10:00:00+08:00'))).toBe(false);
    expect(isWorkingTime(cnStandard, new Date('2026-02-28T10:00:00+08:00'))).toBe(true);
    expect(isWorkingTime(cnStandard, new Date('2026-03-02T08:59:00+08:00'))).toBe(false);
    expect(isWorkingTime(cnStandard, new Date('2026-03-02T09:00:00+08:00'))).toBe(true);
    expect(isWorkingTime(cnStandard, new Date('2026-03-02T18:00:00+08:00'))).toBe(false);
  });
});
