import { sql } from 'drizzle-orm';
import { date, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { WeeklyHours } from './business-time.ts';

export const businessCalendars = pgTable(
  'business_calendars',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    /** stable handle for integrations and SLA policies, e.g. `cn-standard` */
    code: text('code').notNull(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    weeklyHours: jsonb('weekly_hours').$type<WeeklyHours>().notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('business_calendars_code_uq').on(t.tenantId, sql`lower(${t.code})`)],
);

/** Public holidays and adjusted working days (调休) of one calendar, by local date. */
export const calendarDays = pgTable(
  'calendar_days',
  {
    tenantId: uuid('tenant_id').notNull(),
    calendarId: uuid('calendar_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    /** holiday | workday */
    kind: text('kind').notNull(),
    name: text('name').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.calendarId, t.date] })],
);
