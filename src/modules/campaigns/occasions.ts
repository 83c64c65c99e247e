import { DateTime } from 'luxon';

/**
 * When campaigns are due, as pure functions of a moment and the tenant's time zone (table-tested).
 * Dates are local calendar dates 'YYYY-MM-DD' in the tenant's zone: a birthday is a date, not an instant.
 */

/** The tenant's local date at `at`. */
export function localDate(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The month-days ('MM-DD') whose birthdays are greeted on `today`. 29 February birthdays are greeted on
 * 28 February in years without a 29 February (and on the 29th in leap years, not twice).
 */
export function birthdayMonthDays(today: string): string[] {
  const md = today.slice(5);
  const year = Number(today.slice(0, 4));
  return md === '02-28' && !isLeapYear(year) ? ['02-28', '02-29'] : [md];
}

export function isBirthdayOn(birthday: string, today: string): boolean {
  return birthdayMonthDays(today).includes(birthday.slice(5, 10));
}

/** One key per customer and year: the "occasion" a birthday greeting stands for. */
export const birthdayOccasion = (today: string) => `birthday:${today.slice(0, 4)}`;

export interface HolidayDay {
  date: string;
  kind: string;
  name: string;
}

export interface HolidayRun {
  name: string;
  firstDate: string;
  lastDate: string;
}

const nextDay = (d: string) => DateTime.fromISO(d, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;

/** Consecutive holiday days with the same name, in date order (make-up working days are not holidays). */
export function holidayRuns(days: HolidayDay[]): HolidayRun[] {
  const hol = days.filter((d) => d.kind === 'holiday').sort((a, b) => a.date.localeCompare(b.date));
  const runs: HolidayRun[] = [];
  for (const d of hol) {
    const last = runs[runs.length - 1];
    if (last && last.name === d.name && nextDay(last.lastDate) === d.date) last.lastDate = d.date;
    else runs.push({ name: d.name, firstDate: d.date, lastDate: d.date });
  }
  return runs;
}

/** Case-insensitive substring match, so "春节", "Spring Festival" and "中秋" all find their calendar entries. */
export function holidayMatches(name: string, wanted: string): boolean {
  return name.toLowerCase().includes(wanted.trim().toLowerCase());
}

export interface HolidayOccasion extends HolidayRun {
  sendDate: string;
  occasionKey: string;
}

/** The holiday greetings due on `today`: runs matching `wanted` whose first day is `daysBefore` days later. */
export function holidaysDueOn(days: HolidayDay[], wanted: string, daysBefore: number, today: string): HolidayOccasion[] {
  return holidayRuns(days)
    .filter((r) => holidayMatches(r.name, wanted))
    .map((r) => ({ ...r, sendDate: DateTime.fromISO(r.firstDate, { zone: 'UTC' }).minus({ days: daysBefore }).toISODate()!, occasionKey: `holiday:${r.firstDate}` }))
    .filter((o) => o.sendDate === today);
}

/**
 * Maintenance reminders: purchases made `monthsAfter` months before `today` (local dates). A purchase on the
 * 31st whose target month is shorter is reminded on that month's last day (luxon clamps), so none is lost.
 */
export function purchaseDateForReminder(today: string, monthsAfter: number): string[] {
  const t = DateTime.fromISO(today, { zone: 'UTC' });
  const base = t.minus({ months: monthsAfter });
  const out = [base.toISODate()!];
  // On the last day of a month, purchases on later days of the source month map here too (31 Jan + 1 month → 28 Feb).
  if (t.day === t.daysInMonth) {
    for (let d = base.day + 1; d <= base.daysInMonth!; d++) out.push(base.set({ day: d }).toISODate()!);
  }
  return out;
}

/** The UTC instant of local `date` at 'HH:mm' in `timeZone` (a due time for a call task, a send time). */
export function localTimeToInstant(date: string, hhmm: string, timeZone: string): Date {
  const [h, m] = hhmm.split(':').map(Number);
  return DateTime.fromISO(date, { zone: timeZone }).set({ hour: h, minute: m }).toJSDate();
}

/** `days` local days after `at`, at the same local time of day (DST-safe). */
export function addLocalDays(at: Date, days: number, timeZone: string): Date {
  return DateTime.fromJSDate(at, { zone: timeZone }).plus({ days }).toJSDate();
}

/** Cron for the daily run at 'HH:mm' (read in the tenant's zone by the scheduler). */
export function dailyCron(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  return `${m} ${h} * * *`;
}

/** Calendar names are bilingual ("春节 Spring Festival"): the Chinese part and the English part. */
export function holidayLabels(name: string): { zh: string; en: string } {
  const m = /^([^A-Za-z]+?)\s+([A-Za-z].*)$/.exec(name.trim());
  return m ? { zh: m[1].trim(), en: m[2].trim() } : { zh: name, en: name };
}
