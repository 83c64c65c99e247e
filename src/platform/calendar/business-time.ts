import { DateTime } from 'luxon';

/**
 * Business-time maths: the SLA clock. Pure functions over a calendar's rules; no database.
 * Working intervals are built per local day in the calendar's time zone, so DST changes and
 * holidays fall out of the same walk.
 */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];
export interface TimeRange {
  start: string; // HH:MM
  end: string; // HH:MM, "24:00" allowed
}
export type WeeklyHours = Record<Weekday, TimeRange[]>;

export interface CalendarRules {
  timeZone: string;
  weeklyHours: WeeklyHours;
  /** local dates (YYYY-MM-DD) with no work */
  holidays: ReadonlySet<string>;
  /** local dates worked although their weekday is not (调休) */
  workdays: ReadonlySet<string>;
}

/** Ten years: a calendar with no working time at all must fail, not loop. */
const maxDays = 3660;

export class NoWorkingTimeError extends Error {
  constructor() {
    super('The calendar has no working time within ten years');
  }
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** Wall-clock time on a local day (calendar maths, so a DST change that day does not shift it). */
function localTime(day: DateTime, hhmm: string): number {
  const m = minutesOf(hhmm);
  if (m >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(m / 60), minute: m % 60 }).toMillis();
}

/** An adjusted working day works the hours of a normal weekday (the first of Mon–Fri that has hours). */
function hoursFor(rules: CalendarRules, day: DateTime): TimeRange[] {
  const key = day.toISODate() as string;
  if (rules.holidays.has(key)) return [];
  const own = rules.weeklyHours[weekdays[day.weekday - 1]];
  if (own.length > 0 || !rules.workdays.has(key)) return own;
  return weekdays.slice(0, 5).map((d) => rules.weeklyHours[d]).find((h) => h.length > 0) ?? [];
}

/**
 * Days already worked out, per rules object: the SLA clock asks for the same days again and again (every
 * ticket of a tenant walks the same weeks), and building a day in a time zone costs far more than a lookup.
 */
const dayCache = new WeakMap<CalendarRules, Map<string, [number, number][]>>();
const dayCacheLimit = 5000;

/** Working intervals of one local day as [startMs, endMs), sorted. */
export function intervalsOn(rules: CalendarRules, day: DateTime): [number, number][] {
  let cache = dayCache.get(rules);
  if (!cache) dayCache.set(rules, (cache = new Map()));
  const key = day.toISODate() as string;
  const hit = cache.get(key);
  if (hit) return hit;
  const computed = computeIntervals(rules, day);
  if (cache.size >= dayCacheLimit) cache.clear();
  cache.set(key, computed);
  return computed;
}

function computeIntervals(rules: CalendarRules, day: DateTime): [number, number][] {
  return hoursFor(rules, day)
    .map((r): [number, number] => [localTime(day, r.start), localTime(day, r.end)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
}

function startDay(rules: CalendarRules, at: Date): DateTime {
  const local = DateTime.fromJSDate(at, { zone: rules.timeZone });
  if (!local.isValid) throw new Error(`Unknown time zone ${rules.timeZone}`);
  return local.startOf('day');
}

/** One local day: its working intervals and the instants it starts and ends (the next day's start). */
interface Day {
  start: number;
  end: number;
  intervals: [number, number][];
}

/**
 * The walk from day to day, per rules object. Each step used to ask luxon for a zone offset three times
 * (next day, start of day, its date), through Intl for an IANA zone: half a millisecond of every ticket
 * create. Days are kept by their start instant with the next day's start, and the day last asked for is
 * kept too, so a walk over days already seen makes no zone arithmetic at all.
 */
const walkCache = new WeakMap<CalendarRules, { days: Map<number, Day>; last: Day | null }>();

function walkOf(rules: CalendarRules) {
  let w = walkCache.get(rules);
  if (!w) walkCache.set(rules, (w = { days: new Map(), last: null }));
  return w;
}

function dayFrom(rules: CalendarRules, day: DateTime): Day {
  const w = walkOf(rules);
  const start = day.toMillis();
  const hit = w.days.get(start);
  if (hit) return hit;
  const d: Day = { start, end: day.plus({ days: 1 }).startOf('day').toMillis(), intervals: intervalsOn(rules, day) };
  if (w.days.size >= dayCacheLimit) w.days.clear();
  w.days.set(start, d);
  return d;
}

/** The local day holding `at`. */
function dayOf(rules: CalendarRules, at: Date): Day {
  const w = walkOf(rules);
  const t = at.getTime();
  if (w.last && w.last.start <= t && t < w.last.end) return w.last;
  w.last = dayFrom(rules, startDay(rules, at));
  return w.last;
}

function nextDay(rules: CalendarRules, d: Day): Day {
  return walkOf(rules).days.get(d.end) ?? dayFrom(rules, DateTime.fromMillis(d.end, { zone: rules.timeZone }).startOf('day'));
}

/** The instant when `minutes` of working time have passed after `start`. */
export function addBusinessMinutes(rules: CalendarRules, start: Date, minutes: number): Date {
  if (minutes < 0) throw new RangeError('minutes must not be negative');
  let t = start.getTime();
  let remaining = minutes * 60_000;
  if (remaining === 0) return new Date(t);
  let day = dayOf(rules, start);
  for (let i = 0; i < maxDays; i++, day = nextDay(rules, day)) {
    for (const [a, b] of day.intervals) {
      if (b <= t) continue;
      const from = Math.max(a, t);
      if (remaining <= b - from) return new Date(from + remaining);
      remaining -= b - from;
      t = b;
    }
  }
  throw new NoWorkingTimeError();
}

/** Whole minutes of working time between two instants (negative when `to` is before `from`). */
export function businessMinutesBetween(rules: CalendarRules, from: Date, to: Date): number {
  if (to < from) return -businessMinutesBetween(rules, to, from);
  const start = from.getTime();
  const end = to.getTime();
  let total = 0;
  let day = dayOf(rules, from);
  for (let i = 0; i < maxDays && day.start < end; i++, day = nextDay(rules, day)) {
    for (const [a, b] of day.intervals) total += Math.max(0, Math.min(b, end) - Math.max(a, start));
  }
  return Math.floor(total / 60_000);
}

export function isWorkingTime(rules: CalendarRules, at: Date): boolean {
  const t = at.getTime();
  return dayOf(rules, at).intervals.some(([a, b]) => t >= a && t < b);
}
