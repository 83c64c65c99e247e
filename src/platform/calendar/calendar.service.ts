import { and, asc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../tenancy/ctx.ts';
import type { Queryable, Tx } from '../db/db.ts';
import { checkVersion } from '../db/concurrency.ts';
import { AppError, fieldError, notFound } from '../http/errors.ts';
import { recordChange } from '../outbox/outbox.ts';
import { businessCalendars, calendarDays } from './calendar.schema.ts';
import { addBusinessMinutes, businessMinutesBetween, NoWorkingTimeError, type CalendarRules, type WeeklyHours } from './business-time.ts';
import { chinaOfficialDays } from './china-official.ts';
import { IcsError, parseIcsDays } from './ics.ts';
import type { Calendar, CalendarDay, CreateCalendar, ImportCalendarDays, UpdateCalendar } from './calendar.contract.ts';

type CalendarRow = typeof businessCalendars.$inferSelect;
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CN_STANDARD = 'cn-standard';
const nineToSix = [{ start: '09:00', end: '18:00' }];
export const cnStandardHours: WeeklyHours = { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix, sat: [], sun: [] };

async function findRow(q: Queryable, tenantId: string, idOrCode: string, lock = false): Promise<CalendarRow | undefined> {
  const byId = uuidRe.test(idOrCode);
  const where = and(eq(businessCalendars.tenantId, tenantId), byId ? eq(businessCalendars.id, idOrCode) : sql`lower(${businessCalendars.code}) = lower(${idOrCode})`);
  const query = q.select().from(businessCalendars).where(where);
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

async function daysOf(q: Queryable, tenantId: string, calendarId: string): Promise<CalendarDay[]> {
  const rs = await q
    .select({ date: calendarDays.date, kind: calendarDays.kind, name: calendarDays.name })
    .from(calendarDays)
    .where(and(eq(calendarDays.tenantId, tenantId), eq(calendarDays.calendarId, calendarId)))
    .orderBy(asc(calendarDays.date));
  return rs.map((d) => ({ date: d.date, kind: d.kind as CalendarDay['kind'], name: d.name }));
}

function toCalendar(r: CalendarRow, days: CalendarDay[]): Calendar {
  return { id: r.id, code: r.code, name: r.name, timeZone: r.timeZone, weeklyHours: r.weeklyHours, days, version: r.version, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

export async function listCalendars(ctx: Ctx) {
  const rs = await ctx.db.select().from(businessCalendars).where(eq(businessCalendars.tenantId, ctx.tenantId)).orderBy(asc(businessCalendars.code));
  const counts = await ctx.db
    .select({ calendarId: calendarDays.calendarId, kind: calendarDays.kind, n: sql<number>`count(*)::int` })
    .from(calendarDays)
    .where(eq(calendarDays.tenantId, ctx.tenantId))
    .groupBy(calendarDays.calendarId, calendarDays.kind);
  const count = (id: string, kind: string) => counts.find((c) => c.calendarId === id && c.kind === kind)?.n ?? 0;
  return rs.map((r) => {
    const { days: _days, ...rest } = toCalendar(r, []);
    return { ...rest, holidayCount: count(r.id, 'holiday'), workdayCount: count(r.id, 'workday') };
  });
}

export async function getCalendar(ctx: Ctx, idOrCode: string): Promise<Calendar> {
  const row = await findRow(ctx.db, ctx.tenantId, idOrCode);
  if (!row) throw notFound();
  return toCalendar(row, await daysOf(ctx.db, ctx.tenantId, row.id));
}

/** Days of the years present in `days` are replaced; other years are kept. */
async function replaceDays(tx: Tx, tenantId: string, calendarId: string, days: CalendarDay[]) {
  const unique = new Map(days.map((d) => [d.date, d]));
  const years = [...new Set([...unique.keys()].map((d) => Number(d.slice(0, 4))))];
  for (const y of years) {
    await tx
      .delete(calendarDays)
      .where(and(eq(calendarDays.tenantId, tenantId), eq(calendarDays.calendarId, calendarId), sql`extract(year from ${calendarDays.date}) = ${y}`));
  }
  const values = [...unique.values()].map((d) => ({ tenantId, calendarId, date: d.date, kind: d.kind, name: d.name }));
  for (let i = 0; i < values.length; i += 500) await tx.insert(calendarDays).values(values.slice(i, i + 500));
}

export async function createCalendar(ctx: Ctx, input: CreateCalendar): Promise<Calendar> {
  return ctx.tx(async (tx) => {
    if (await findRow(tx, ctx.tenantId, input.code)) throw fieldError('code', 'calendar_code_taken', 409);
    const [row] = await tx
      .insert(businessCalendars)
      .values({ tenantId: ctx.tenantId, code: input.code, name: input.name, timeZone: input.timeZone, weeklyHours: input.weeklyHours })
      .returning();
    const days = [...(input.includeChinaOfficial ? chinaOfficialDays : []), ...input.days];
    if (days.length) await replaceDays(tx, ctx.tenantId, row.id, days);
    const calendar = toCalendar(row, await daysOf(tx, ctx.tenantId, row.id));
    await recordChange(tx, ctx, { action: 'created', entityType: 'calendar', entityId: row.id, after: { ...calendar, days: calendar.days.length } });
    return calendar;
  });
}

/** The `cn-standard` calendar of a new tenant: Mon–Fri 09:00–18:00, Asia/Shanghai, official holidays. */
export function createCnStandard(ctx: Ctx): Promise<Calendar> {
  return createCalendar(ctx, {
    code: CN_STANDARD,
    name: '中国标准工作日 / China standard working days',
    timeZone: 'Asia/Shanghai',
    weeklyHours: cnStandardHours,
    includeChinaOfficial: true,
    days: [],
  });
}

export async function updateCalendar(ctx: Ctx, idOrCode: string, input: UpdateCalendar): Promise<Calendar> {
  return ctx.tx(async (tx) => {
    const current = checkVersion(await findRow(tx, ctx.tenantId, idOrCode, true), input.version, 'calendar');
    if (input.code && input.code.toLowerCase() !== current.code.toLowerCase() && (await findRow(tx, ctx.tenantId, input.code))) {
      throw fieldError('code', 'calendar_code_taken', 409);
    }
    const { version: _v, ...patch } = input;
    const [row] = await tx
      .update(businessCalendars)
      .set({ ...patch, version: sql`${businessCalendars.version} + 1`, updatedAt: new Date() })
      .where(and(eq(businessCalendars.tenantId, ctx.tenantId), eq(businessCalendars.id, current.id)))
      .returning();
    const after = toCalendar(row, await daysOf(tx, ctx.tenantId, row.id));
    const { days: _d, ...beforeFields } = toCalendar(current, []);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'calendar', entityId: row.id, before: beforeFields, after: { ...after, days: after.days.length } });
    return after;
  });
}

export async function importCalendarDays(ctx: Ctx, idOrCode: string, input: ImportCalendarDays): Promise<Calendar> {
  let days: CalendarDay[];
  if ('ics' in input) {
    try {
      days = parseIcsDays(input.ics);
    } catch (e) {
      if (e instanceof IcsError) throw fieldError('ics', 'calendar_bad_ics', 422, { reason: e.message });
      throw e;
    }
  } else days = input.days;
  return ctx.tx(async (tx) => {
    const current = checkVersion(await findRow(tx, ctx.tenantId, idOrCode, true), input.version, 'calendar');
    await replaceDays(tx, ctx.tenantId, current.id, days);
    const [row] = await tx
      .update(businessCalendars)
      .set({ version: sql`${businessCalendars.version} + 1`, updatedAt: new Date() })
      .where(and(eq(businessCalendars.tenantId, ctx.tenantId), eq(businessCalendars.id, current.id)))
      .returning();
    const after = toCalendar(row, await daysOf(tx, ctx.tenantId, row.id));
    const years = [...new Set(days.map((d) => d.date.slice(0, 4)))].sort();
    await recordChange(tx, ctx, { action: 'days_imported', entityType: 'calendar', entityId: row.id, after: { years, days: days.length } });
    return after;
  });
}

export async function deleteCalendar(ctx: Ctx, idOrCode: string, version: number): Promise<void> {
  await ctx.tx(async (tx) => {
    const current = checkVersion(await findRow(tx, ctx.tenantId, idOrCode, true), version, 'calendar');
    await tx.delete(calendarDays).where(and(eq(calendarDays.tenantId, ctx.tenantId), eq(calendarDays.calendarId, current.id)));
    await tx.delete(businessCalendars).where(and(eq(businessCalendars.tenantId, ctx.tenantId), eq(businessCalendars.id, current.id)));
    const { days: _d, ...before } = toCalendar(current, []);
    await recordChange(tx, ctx, { action: 'deleted', entityType: 'calendar', entityId: current.id, before });
  });
}

/** The rules the SLA clock needs, by id or code. */
/**
 * Rules per calendar version: one small row read per call, and the holidays are loaded (and the rules
 * object, with its cache of worked-out days, rebuilt) only when the calendar changed. Every change bumps the
 * version, so several processes stay correct.
 */
const rulesCache = new Map<string, { version: number; rules: CalendarRules }>();

export async function calendarRules(q: Queryable, tenantId: string, idOrCode: string): Promise<CalendarRules> {
  const row = await findRow(q, tenantId, idOrCode);
  if (!row) throw notFound();
  const key = `${tenantId}:${row.id}`;
  const cached = rulesCache.get(key);
  if (cached && cached.version === row.version) return cached.rules;
  const days = await daysOf(q, tenantId, row.id);
  const rules: CalendarRules = {
    timeZone: row.timeZone,
    weeklyHours: row.weeklyHours,
    holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
    workdays: new Set(days.filter((d) => d.kind === 'workday').map((d) => d.date)),
  };
  if (rulesCache.size > 1000) rulesCache.clear();
  rulesCache.set(key, { version: row.version, rules });
  return rules;
}

export async function dueAfter(ctx: Ctx, idOrCode: string, start: Date, minutes: number): Promise<Date> {
  const rules = await calendarRules(ctx.db, ctx.tenantId, idOrCode);
  try {
    return addBusinessMinutes(rules, start, minutes);
  } catch (e) {
    if (e instanceof NoWorkingTimeError) throw new AppError(422, 'calendar_no_working_time');
    throw e;
  }
}

export async function minutesBetween(ctx: Ctx, idOrCode: string, from: Date, to: Date): Promise<number> {
  return businessMinutesBetween(await calendarRules(ctx.db, ctx.tenantId, idOrCode), from, to);
}
