import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, type CalendarRules } from '../../platform/calendar/business-time.ts';
import { withFixedOffset } from './import.service.ts';

const nine = [{ start: '09:00', end: '18:00' }];
const rules = (timeZone: string): CalendarRules => ({
  timeZone,
  weeklyHours: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine, sat: [], sun: [] },
  holidays: new Set(['2025-10-01', '2025-10-02', '2025-10-03']),
  workdays: new Set(['2025-09-28']),
});

describe('fixed-offset calendars for the import', () => {
  it('keeps zones with daylight saving time as they are', () => {
    expect(withFixedOffset(rules('Europe/Berlin'))).toBeNull();
    expect(withFixedOffset(rules('America/New_York'))).toBeNull();
  });

  it('gives the same due times as the IANA zone for Asia/Shanghai and Asia/Kathmandu', () => {
    for (const zone of ['Asia/Shanghai', 'Asia/Kathmandu']) {
      const exact = rules(zone);
      const fixed = withFixedOffset(exact);
      expect(fixed, zone).not.toBeNull();
      for (let i = 0; i < 300; i++) {
        const start = new Date(Date.UTC(2025, 0, 1) + i * 1_103_000_017);
        for (const minutes of [30, 60, 2880]) expect(addBusinessMinutes(fixed!, start, minutes).toISOString()).toBe(addBusinessMinutes(exact, start, minutes).toISOString());
      }
    }
  });
});
