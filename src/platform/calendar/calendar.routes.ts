import { z } from 'zod';
import type { App } from '../http/types.ts';
import { AddBusinessTimeQuery, BusinessMinutesQuery, Calendar, CalendarSummary, CreateCalendar, ImportCalendarDays, UpdateCalendar } from './calendar.contract.ts';
import { createCalendar, deleteCalendar, dueAfter, getCalendar, importCalendarDays, listCalendars, minutesBetween, updateCalendar } from './calendar.service.ts';

const Param = z.object({ idOrCode: z.string().min(1).max(60) });
const tags = ['calendars'];

export function calendarRoutes(app: App) {
  app.get('/api/v1/calendars', { config: { access: 'calendars.read' }, schema: { tags, summary: 'Business calendars', response: { 200: z.array(CalendarSummary) } } }, (req) =>
    listCalendars(req.ctx),
  );
  app.post(
    '/api/v1/calendars',
    { config: { access: 'calendars.manage', idempotent: true }, schema: { tags, summary: 'Create a calendar (optionally with the mainland China official holidays)', body: CreateCalendar, response: { 201: Calendar } } },
    async (req, reply) => reply.code(201).send(await createCalendar(req.ctx, req.body)),
  );
  app.get('/api/v1/calendars/:idOrCode', { config: { access: 'calendars.read' }, schema: { tags, summary: 'A calendar with its holidays and make-up days', params: Param, response: { 200: Calendar } } }, (req) =>
    getCalendar(req.ctx, req.params.idOrCode),
  );
  app.patch(
    '/api/v1/calendars/:idOrCode',
    { config: { access: 'calendars.manage' }, schema: { tags, summary: 'Change name, code, time zone or weekly hours', params: Param, body: UpdateCalendar, response: { 200: Calendar } } },
    (req) => updateCalendar(req.ctx, req.params.idOrCode, req.body),
  );
  app.delete(
    '/api/v1/calendars/:idOrCode',
    { config: { access: 'calendars.manage' }, schema: { tags, summary: 'Delete a calendar', params: Param, querystring: z.object({ version: z.coerce.number().int().positive() }), response: { 204: z.null() } } },
    async (req, reply) => {
      await deleteCalendar(req.ctx, req.params.idOrCode, req.query.version);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/v1/calendars/:idOrCode/days',
    {
      config: { access: 'calendars.manage' },
      schema: { tags, summary: 'Import holidays and make-up days (JSON days or an iCalendar file); replaces the imported years', params: Param, body: ImportCalendarDays, response: { 200: Calendar } },
    },
    (req) => importCalendarDays(req.ctx, req.params.idOrCode, req.body),
  );
  app.get(
    '/api/v1/calendars/:idOrCode/add-business-time',
    {
      config: { access: 'calendars.read' },
      schema: { tags, summary: 'The instant when `minutes` of working time have passed after `start`', params: Param, querystring: AddBusinessTimeQuery, response: { 200: z.object({ due: z.string() }) } },
    },
    async (req) => ({ due: (await dueAfter(req.ctx, req.params.idOrCode, new Date(req.query.start), req.query.minutes)).toISOString() }),
  );
  app.get(
    '/api/v1/calendars/:idOrCode/business-minutes',
    {
      config: { access: 'calendars.read' },
      schema: { tags, summary: 'Whole minutes of working time between two instants', params: Param, querystring: BusinessMinutesQuery, response: { 200: z.object({ minutes: z.number().int() }) } },
    },
    async (req) => ({ minutes: await minutesBetween(req.ctx, req.params.idOrCode, new Date(req.query.from), new Date(req.query.to)) }),
  );
}
