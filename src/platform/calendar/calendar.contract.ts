import { z } from 'zod';
import { TimeZone } from '../tenancy/settings.contract.ts';

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/);
export const TimeRange = z.strictObject({ start: hhmm, end: hhmm }).refine((r) => r.start < r.end, { message: 'start must be before end', path: ['end'] });
const DayHours = z.array(TimeRange).max(6);
export const WeeklyHours = z.strictObject({ mon: DayHours, tue: DayHours, wed: DayHours, thu: DayHours, fri: DayHours, sat: DayHours, sun: DayHours });

export const CalendarDayKind = z.enum(['holiday', 'workday']);
export const CalendarDay = z.strictObject({
  date: z.iso.date(),
  kind: CalendarDayKind,
  name: z.string().trim().max(100).default(''),
});
export type CalendarDay = z.infer<typeof CalendarDay>;

export const Calendar = z.object({
  id: z.string().uuid(),
  code: z.string(),
  name: z.string(),
  timeZone: z.string(),
  weeklyHours: WeeklyHours,
  days: z.array(CalendarDay),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Calendar = z.infer<typeof Calendar>;
export const CalendarSummary = Calendar.omit({ days: true }).extend({ holidayCount: z.number().int(), workdayCount: z.number().int() });

const Code = z.string().trim().min(1).max(50).regex(/^[a-z0-9][a-z0-9_-]*$/i);

export const CreateCalendar = z.strictObject({
  code: Code,
  name: z.string().trim().min(1).max(100),
  timeZone: TimeZone,
  weeklyHours: WeeklyHours,
  /** start from the built-in mainland China official holidays and make-up days */
  includeChinaOfficial: z.boolean().default(false),
  days: z.array(CalendarDay).max(5000).default([]),
});
export type CreateCalendar = z.infer<typeof CreateCalendar>;

export const UpdateCalendar = z.strictObject({
  version: z.number().int().positive(),
  code: Code.optional(),
  name: z.string().trim().min(1).max(100).optional(),
  timeZone: TimeZone.optional(),
  weeklyHours: WeeklyHours.optional(),
});
export type UpdateCalendar = z.infer<typeof UpdateCalendar>;

/**
 * Import of holidays and make-up days: JSON days, or an iCalendar file (all-day VEVENTs; an event whose
 * summary or categories say 班 / workday / make-up is a working day, any other is a holiday).
 * The years present in the import replace that calendar's days of those years.
 */
export const ImportCalendarDays = z.union([
  z.strictObject({ version: z.number().int().positive(), days: z.array(CalendarDay).min(1).max(5000) }),
  z.strictObject({ version: z.number().int().positive(), ics: z.string().min(1).max(2_000_000) }),
]);
export type ImportCalendarDays = z.infer<typeof ImportCalendarDays>;

export const AddBusinessTimeQuery = z.object({
  start: z.iso.datetime({ offset: true }),
  minutes: z.coerce.number().int().min(0).max(525_600),
});
export const BusinessMinutesQuery = z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) });
