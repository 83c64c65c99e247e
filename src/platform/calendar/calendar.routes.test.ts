import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../http/test-app.ts';
import { createCnStandard } from './calendar.service.ts';
import { expectOtherTenantsIdsToBe404 } from '../tenancy/isolation.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
  await createCnStandard(admin.user.tenant.ctx);
});
afterAll(() => t.close());

const q = (o: Record<string, string | number>) => new URLSearchParams(Object.entries(o).map(([k, v]) => [k, String(v)])).toString();

describe('calendar endpoints', () => {
  it('add business time on cn-standard across Spring Festival 2026', async () => {
    const res = await admin.request({ method: 'GET', url: `/api/v1/calendars/cn-standard/add-business-time?${q({ start: '2026-02-13T17:00:00+08:00', minutes: 120 })}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ due: '2026-02-14T02:00:00.000Z' });
  });

  it('count business minutes, by code or id, for any signed-in role with calendars.read', async () => {
    const cal = (await admin.request({ method: 'GET', url: '/api/v1/calendars/CN-STANDARD' })).json();
    expect(cal.days.length).toBeGreaterThan(40);
    const agent = await signIn(t.app, await createUser(t.database, admin.user.tenant, ['agent']));
    const res = await agent.request({ method: 'GET', url: `/api/v1/calendars/${cal.id}/business-minutes?${q({ from: '2025-09-30T09:00:00+08:00', to: '2025-10-09T12:00:00+08:00' })}` });
    expect(res.json()).toEqual({ minutes: 540 + 180 });
  });

  it('rejects bad input with field errors', async () => {
    const bad = await admin.request({ method: 'GET', url: `/api/v1/calendars/cn-standard/add-business-time?${q({ start: 'yesterday', minutes: -5 })}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fieldErrors.map((f: { path: string }) => f.path).sort()).toEqual(['querystring.minutes', 'querystring.start']);
    expect((await admin.request({ method: 'GET', url: '/api/v1/calendars/nope/business-minutes?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z' })).statusCode).toBe(404);
    const hours = await admin.request({
      method: 'POST',
      url: '/api/v1/calendars',
      payload: { code: 'x', name: 'x', timeZone: 'Asia/Shanghai', weeklyHours: { mon: [{ start: '18:00', end: '09:00' }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } },
    });
    expect(hours.statusCode).toBe(400);
  });

  it('creates a calendar with a lunch break in another time zone', async () => {
    const week = { mon: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    const res = await admin.request({ method: 'POST', url: '/api/v1/calendars', payload: { code: 'berlin', name: 'Berlin', timeZone: 'Europe/Berlin', weeklyHours: week } });
    expect(res.statusCode).toBe(201);
    // Monday 2026-03-02 11:30 Berlin (+01:00) + 60 min → 13:30 local
    const due = await admin.request({ method: 'GET', url: `/api/v1/calendars/berlin/add-business-time?${q({ start: '2026-03-02T11:30:00+01:00', minutes: 60 })}` });
    expect(due.json().due).toBe('2026-03-02T12:30:00.000Z');
    expect((await admin.request({ method: 'POST', url: '/api/v1/calendars', payload: { code: 'BERLIN', name: 'B', timeZone: 'UTC', weeklyHours: week } })).statusCode).toBe(409);
  });

  it('imports a new year from JSON and from iCalendar, replacing only that year', async () => {
    const cal = (await admin.request({ method: 'GET', url: '/api/v1/calendars/cn-standard' })).json();
    const json = await admin.request({
      method: 'POST',
      url: '/api/v1/calendars/cn-standard/days',
      payload: { version: cal.version, days: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }] },
    });
    expect(json.statusCode).toBe(200);
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0',
      'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20270206', 'DTEND;VALUE=DATE:20270214', 'SUMMARY:春节 休', 'END:VEVENT',
      'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20270214', 'SUMMARY:春节调休 补班', 'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const res = await admin.request({ method: 'POST', url: '/api/v1/calendars/cn-standard/days', payload: { version: json.json().version, ics } });
    expect(res.statusCode).toBe(200);
    const days = res.json().days as { date: string; kind: string }[];
    const y2027 = days.filter((d) => d.date.startsWith('2027'));
    expect(y2027).toHaveLength(9); // 8 holidays + 1 make-up day; the JSON import's 01-01 was replaced
    expect(y2027.find((d) => d.date === '2027-02-14')?.kind).toBe('workday');
    expect(days.filter((d) => d.date.startsWith('2026')).length).toBeGreaterThan(20); // other years kept
    const broken = await admin.request({ method: 'POST', url: '/api/v1/calendars/cn-standard/days', headers: { 'accept-language': 'en' }, payload: { version: res.json().version, ics: 'hello' } });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().fieldErrors[0].message).toContain('not an iCalendar file');
    const stale = await admin.request({ method: 'POST', url: '/api/v1/calendars/cn-standard/days', payload: { version: 1, days: [{ date: '2028-01-01', kind: 'holiday' }] } });
    expect(stale.statusCode).toBe(409);
  });

  it('keeps calendars per tenant', async () => {
    const other = await createTenant(t.database);
    const intruder = await signIn(t.app, await createUser(t.database, other, ['admin']));
    const cal = (await admin.request({ method: 'GET', url: '/api/v1/calendars/cn-standard' })).json();
    await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/calendars', cal.id, {
      'POST /api/v1/calendars/{idOrCode}/days': { body: { version: 1, days: [{ date: '2030-01-01', kind: 'holiday' }] } },
      'GET /api/v1/calendars/{idOrCode}/add-business-time': { query: 'start=2026-01-05T00:00:00Z&minutes=1' },
      'GET /api/v1/calendars/{idOrCode}/business-minutes': { query: 'from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z' },
    });
    expect((await intruder.request({ method: 'GET', url: '/api/v1/calendars/cn-standard' })).statusCode).toBe(404);
    expect((await intruder.request({ method: 'GET', url: '/api/v1/calendars' })).json()).toEqual([]);
  });
});
