import { describe, expect, it } from 'vitest';
import { utcToZonedWallClock, zonedDayBoundary, zonedWallClockToUtc } from './time.ts';

describe('zonedDayBoundary', () => {
  it('gives the UTC instant a day starts in the zone', () => {
    expect(zonedDayBoundary('2026-03-01', 'Asia/Shanghai')).toBe('2026-02-28T16:00:00.000Z');
    expect(zonedDayBoundary('2026-03-01', 'UTC')).toBe('2026-03-01T00:00:00.000Z');
    expect(zonedDayBoundary('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(zonedDayBoundary('2026-01-15', 'America/New_York')).toBe('2026-01-15T05:00:00.000Z');
  });

  it('with end, gives the start of the next day (exclusive bound), across month ends', () => {
    expect(zonedDayBoundary('2026-12-31', 'Asia/Shanghai', true)).toBe('2026-12-31T16:00:00.000Z');
    expect(zonedDayBoundary('2026-02-28', 'UTC', true)).toBe('2026-03-01T00:00:00.000Z');
  });

  it('handles a day on which daylight saving time starts or ends', () => {
    // New York: 2026-03-08 clocks go 02:00 → 03:00; midnight is still EST (UTC−5)
    expect(zonedDayBoundary('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(zonedDayBoundary('2026-03-08', 'America/New_York', true)).toBe('2026-03-09T04:00:00.000Z');
    // Santiago: 2026-09-06 clocks go 00:00 → 01:00, so the day starts at 01:00 local (UTC−3)
    expect(zonedDayBoundary('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('zoned wall clock', () => {
  it('converts a wall-clock time in the tenant zone to UTC and back', () => {
    expect(zonedWallClockToUtc('2026-10-08T09:30', 'Asia/Shanghai')).toBe('2026-10-08T01:30:00.000Z');
    expect(utcToZonedWallClock('2026-10-08T01:30:00.000Z', 'Asia/Shanghai')).toBe('2026-10-08T09:30');
    expect(zonedWallClockToUtc('2026-07-01T09:00', 'America/New_York')).toBe('2026-07-01T13:00:00.000Z');
    expect(utcToZonedWallClock('2026-01-15T14:00:00.000Z', 'America/New_York')).toBe('2026-01-15T09:00');
  });
});
