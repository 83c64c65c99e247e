import { describe, expect, it } from 'vitest';
import { chinaOfficialDays } from '../../platform/calendar/china-official.ts';
import { birthdayMonthDays, dailyCron, holidayLabels, holidayRuns, holidaysDueOn, isBirthdayOn, localDate, purchaseDateForReminder } from './occasions.ts';
import { nextOccurrence } from '../../platform/jobs/index.ts';
import { pickLocale, renderBody, smsParts, substitute, unknownVariables } from './render.ts';
import { addPixel, peekLink, signLink, trackLinks, verifyLink } from './links.ts';

describe('birthday scheduling across time zones and leap years', () => {
  // the daily run happens at an instant; the local date in the tenant's zone decides whose birthday it is
  const cases: { at: string; zone: string; birthday: string; greeted: boolean; why: string }[] = [
    { at: '2026-03-14T16:30:00Z', zone: 'Asia/Shanghai', birthday: '1988-03-15', greeted: true, why: '00:30 on 15 March in Shanghai' },
    { at: '2026-03-14T16:30:00Z', zone: 'America/New_York', birthday: '1988-03-15', greeted: false, why: 'still 14 March in New York' },
    { at: '2026-03-14T16:30:00Z', zone: 'Europe/Berlin', birthday: '1988-03-14', greeted: true, why: '17:30 on 14 March in Berlin' },
    { at: '2026-03-15T03:59:00Z', zone: 'America/New_York', birthday: '1988-03-14', greeted: true, why: '23:59 on 14 March in New York (EDT)' },
    { at: '2026-03-15T04:00:00Z', zone: 'America/New_York', birthday: '1988-03-15', greeted: true, why: 'midnight 15 March in New York (EDT)' },
    { at: '2026-02-28T01:00:00Z', zone: 'Asia/Shanghai', birthday: '2000-02-29', greeted: true, why: '28 Feb 2026 (not a leap year) greets 29 Feb birthdays' },
    { at: '2026-02-28T01:00:00Z', zone: 'America/New_York', birthday: '2000-02-29', greeted: false, why: 'still 27 Feb in New York' },
    { at: '2026-02-28T23:30:00Z', zone: 'Europe/Berlin', birthday: '2000-02-29', greeted: false, why: 'already 1 March in Berlin' },
    { at: '2026-02-28T12:00:00Z', zone: 'Europe/Berlin', birthday: '1990-02-28', greeted: true, why: 'a 28 Feb birthday is greeted as usual' },
    { at: '2028-02-28T04:00:00Z', zone: 'Asia/Shanghai', birthday: '2000-02-29', greeted: false, why: '2028 is a leap year: wait for the 29th' },
    { at: '2028-02-29T04:00:00Z', zone: 'Asia/Shanghai', birthday: '2000-02-29', greeted: true, why: '29 Feb 2028' },
    { at: '2028-02-29T04:00:00Z', zone: 'America/New_York', birthday: '2000-02-29', greeted: false, why: 'still 28 Feb 2028 in New York' },
    { at: '2100-02-28T04:00:00Z', zone: 'Asia/Shanghai', birthday: '2000-02-29', greeted: true, why: '2100 is not a leap year (century rule)' },
    { at: '2000-02-28T04:00:00Z', zone: 'Asia/Shanghai', birthday: '1996-02-29', greeted: false, why: '2000 is a leap year (400 rule)' },
    { at: '2026-03-01T01:00:00Z', zone: 'Asia/Shanghai', birthday: '2000-02-29', greeted: false, why: 'not on 1 March as well' },
  ];
  it.each(cases)('$why', ({ at, zone, birthday, greeted }) => {
    expect(isBirthdayOn(birthday, localDate(new Date(at), zone))).toBe(greeted);
  });

  it('greets a 29 February birthday exactly once a year', () => {
    for (const year of [2025, 2026, 2027, 2028, 2100]) {
      let n = 0;
      for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1)) {
        if (isBirthdayOn('2000-02-29', d.toISOString().slice(0, 10))) n++;
      }
      expect(n, String(year)).toBe(1);
    }
    expect(birthdayMonthDays('2026-02-28')).toEqual(['02-28', '02-29']);
    expect(birthdayMonthDays('2028-02-28')).toEqual(['02-28']);
  });

  it('runs the daily job at the local time in each zone, DST included', () => {
    const cron = dailyCron('09:00');
    expect(nextOccurrence(cron, 'Asia/Shanghai', new Date('2026-03-14T12:00:00Z')).toISOString()).toBe('2026-03-15T01:00:00.000Z');
    expect(nextOccurrence(cron, 'America/New_York', new Date('2026-03-07T12:00:00Z')).toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(nextOccurrence(cron, 'America/New_York', new Date('2026-03-08T12:00:00Z')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(nextOccurrence(cron, 'Europe/Berlin', new Date('2026-03-29T00:00:00Z')).toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });
});

describe('holiday scheduling from the official calendar', () => {
  it('groups consecutive holiday days by name', () => {
    const runs = holidayRuns(chinaOfficialDays);
    expect(runs).toContainEqual({ name: '春节 Spring Festival', firstDate: '2026-02-15', lastDate: '2026-02-23' });
    expect(runs).toContainEqual({ name: '中秋节 Mid-Autumn Festival', firstDate: '2026-09-25', lastDate: '2026-09-27' });
    expect(runs.filter((r) => r.name.includes('国庆'))).toHaveLength(2);
  });

  const cases: { wanted: string; daysBefore: number; today: string; due: string[] }[] = [
    { wanted: '春节', daysBefore: 0, today: '2026-02-15', due: ['holiday:2026-02-15'] },
    { wanted: 'Spring Festival', daysBefore: 2, today: '2026-02-13', due: ['holiday:2026-02-15'] },
    { wanted: '春节', daysBefore: 2, today: '2026-02-15', due: [] },
    { wanted: '春节', daysBefore: 0, today: '2026-02-16', due: [] },
    { wanted: '春节', daysBefore: 3, today: '2025-01-25', due: ['holiday:2025-01-28'] },
    // 2025: Mid-Autumn falls inside the National Day holiday, listed under one name
    { wanted: '中秋', daysBefore: 1, today: '2025-09-30', due: ['holiday:2025-10-01'] },
    { wanted: 'mid-autumn', daysBefore: 0, today: '2026-09-25', due: ['holiday:2026-09-25'] },
    { wanted: '国庆', daysBefore: 7, today: '2026-09-24', due: ['holiday:2026-10-01'] },
    { wanted: '国庆', daysBefore: 0, today: '2026-09-20', due: [] },
  ];
  it.each(cases)('$wanted, $daysBefore days before: due on $today → $due', ({ wanted, daysBefore, today, due }) => {
    expect(holidaysDueOn(chinaOfficialDays, wanted, daysBefore, today).map((o) => o.occasionKey)).toEqual(due);
  });

  it('splits bilingual names', () => {
    expect(holidayLabels('春节 Spring Festival')).toEqual({ zh: '春节', en: 'Spring Festival' });
    expect(holidayLabels('国庆节、中秋节 National Day and Mid-Autumn')).toEqual({ zh: '国庆节、中秋节', en: 'National Day and Mid-Autumn' });
    expect(holidayLabels('Company day')).toEqual({ zh: 'Company day', en: 'Company day' });
  });
});

describe('maintenance reminder dates', () => {
  it.each([
    { today: '2026-07-15', months: 6, dates: ['2026-01-15'] },
    { today: '2026-02-28', months: 1, dates: ['2026-01-28', '2026-01-29', '2026-01-30', '2026-01-31'] },
    { today: '2028-02-29', months: 12, dates: ['2027-02-28'] },
    { today: '2027-02-28', months: 12, dates: ['2026-02-28'] },
    { today: '2026-04-30', months: 1, dates: ['2026-03-30', '2026-03-31'] },
  ])('$today, $months months after', ({ today, months, dates }) => {
    expect(purchaseDateForReminder(today, months)).toEqual(dates);
  });
});

describe('templates', () => {
  it('substitutes variables, escapes them in HTML, finds unknown ones', () => {
    expect(substitute('您好，{{customerName}}！{{ tierName }}', { customerName: '王芳', tierName: '贵宾' })).toBe('您好，王芳！贵宾');
    const r = renderBody({ subject: 'Hi {{customerName}}', text: 'x', html: '<p>{{customerName}}</p>' }, 'en', { customerName: '<b>Al & Co</b>' }, 'email');
    expect(r.html).toBe('<p>&lt;b&gt;Al &amp; Co&lt;/b&gt;</p>');
    expect(r.subject).toBe('Hi <b>Al & Co</b>');
    expect(unknownVariables('{{customerName}} {{foo}} {{bar}} {{foo}}')).toEqual(['foo', 'bar']);
  });

  it('picks the customer language, falling back to the version that exists', () => {
    const both = { 'zh-CN': { subject: '', text: 'a', html: null }, en: { subject: '', text: 'b', html: null } };
    expect(pickLocale(both, 'en')).toBe('en');
    expect(pickLocale(both, 'zh-CN')).toBe('zh-CN');
    expect(pickLocale({ en: both.en }, 'zh-CN')).toBe('en');
    expect(pickLocale({ 'zh-CN': both['zh-CN'] }, 'en')).toBe('zh-CN');
  });

  it('counts SMS parts: 70/67 for Chinese, 160/153 for GSM text', () => {
    expect(smsParts('a'.repeat(160))).toEqual({ length: 160, parts: 1 });
    expect(smsParts('a'.repeat(161))).toEqual({ length: 161, parts: 2 });
    expect(smsParts('好'.repeat(70))).toEqual({ length: 70, parts: 1 });
    expect(smsParts('好'.repeat(71))).toEqual({ length: 71, parts: 2 });
    expect(smsParts('好'.repeat(135))).toEqual({ length: 135, parts: 3 });
  });
});

describe('signed links', () => {
  const claims = { purpose: 'c' as const, tenantId: '11111111-1111-4111-8111-111111111111', subject: '22222222-2222-4222-8222-222222222222', extra: 'https://shop.example/a?b=1' };
  it('verifies its own tokens and refuses changed ones', () => {
    const token = signLink('k1', claims);
    expect(verifyLink('k1', token)).toBe(true);
    expect(verifyLink('k2', token)).toBe(false);
    expect(peekLink(token)).toEqual(claims);
    const forged = signLink('k1', { ...claims, extra: 'https://evil.example' }).split('.')[0] + '.' + token.split('.')[1];
    expect(verifyLink('k1', forged)).toBe(false);
    expect(peekLink('garbage')).toBeNull();
  });

  it('rewrites links through the redirect except the unsubscribe link, and adds the pixel', () => {
    const html = '<body><a href="https://shop.example/x?a=1&amp;b=2">x</a> <a href="https://u.example/unsub">u</a></body>';
    const out = addPixel(trackLinks(html, (u) => `https://t.example/c?u=${encodeURIComponent(u)}`, 'https://u.example/unsub'), 'https://t.example/o');
    expect(out).toContain('href="https://t.example/c?u=https%3A%2F%2Fshop.example%2Fx%3Fa%3D1%26b%3D2"');
    expect(out).toContain('href="https://u.example/unsub"');
    expect(out).toMatch(/<img src="https:\/\/t.example\/o"[^>]*><\/body>$/);
  });
});
