import { describe, expect, it } from 'vitest';
import { diffDays, parseIcs, parseJsonDays } from './ics.ts';

const ics = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20270205',
  'DTEND;VALUE=DATE:20270208',
  'SUMMARY:春节',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20270131',
  'SUMMARY:春节调休',
  'CATEGORIES:补班',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('calendar import preview', () => {
  it('reads all-day events (DTEND exclusive) and tells make-up working days from holidays', () => {
    expect(parseIcs(ics)).toEqual([
      { date: '2027-02-05', kind: 'holiday', name: '春节' },
      { date: '2027-02-06', kind: 'holiday', name: '春节' },
      { date: '2027-02-07', kind: 'holiday', name: '春节' },
      { date: '2027-01-31', kind: 'workday', name: '春节调休' },
    ]);
    expect(() => parseIcs('hello')).toThrow();
  });

  it('reads JSON as a list or {days}', () => {
    expect(parseJsonDays('[{"date":"2027-01-01","kind":"holiday","name":"元旦"}]')).toHaveLength(1);
    expect(parseJsonDays('{"days":[{"date":"2027-01-01","kind":"workday"}]}')[0]).toEqual({ date: '2027-01-01', kind: 'workday', name: '' });
    expect(() => parseJsonDays('[{"date":"1.1.2027"}]')).toThrow();
  });

  it('previews what the import changes in the years it covers, leaving other years alone', () => {
    const current = [
      { date: '2026-10-01', kind: 'holiday' as const, name: '国庆节' },
      { date: '2027-01-01', kind: 'holiday' as const, name: '元旦' },
      { date: '2027-02-05', kind: 'holiday' as const, name: 'Spring Festival' },
      { date: '2027-02-07', kind: 'holiday' as const, name: '春节' },
    ];
    const diff = diffDays(current, parseIcs(ics));
    expect(diff.years).toEqual([2027]);
    expect(diff.added.map((d) => d.date)).toEqual(['2027-01-31', '2027-02-06']);
    expect(diff.changed.map((c) => c.after.date)).toEqual(['2027-02-05']);
    expect(diff.removed.map((d) => d.date)).toEqual(['2027-01-01']);
    expect(diff.unchanged).toBe(1);
  });
});
