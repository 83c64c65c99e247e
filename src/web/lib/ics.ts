import type { CalendarDay } from '../../platform/calendar/calendar.contract.ts';

/**
 * Reads an import file in the browser to preview it: JSON (`[{date, kind, name}]` or `{days: [...]}`) or an
 * iCalendar file (all-day events; 班 / workday / make-up in the summary or categories = a working day).
 * The server applies the same rules when the import is sent.
 */
const workdayHint = /班|补班|上班|workday|working day|make-up/i;
const isoDate = (v: string) => `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;

export function parseIcs(text: string): CalendarDay[] {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n[ \t]/g, '').split('\n');
  if (!lines.some((l) => l.trim() === 'BEGIN:VCALENDAR')) throw new Error('not an iCalendar file');
  const out: CalendarDay[] = [];
  let ev: Record<string, string> | null = null;
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line === 'BEGIN:VEVENT') ev = {};
    else if (line === 'END:VEVENT' && ev) {
      const start = /^(\d{8})/.exec(ev.DTSTART ?? '')?.[1];
      if (start) {
        const endRaw = /^(\d{8})/.exec(ev.DTEND ?? '')?.[1];
        const summary = (ev.SUMMARY ?? '').replace(/\\n/gi, ' ').replace(/\\([,;\\])/g, '$1').trim();
        const kind = workdayHint.test(`${summary} ${ev.CATEGORIES ?? ''}`) ? 'workday' : 'holiday';
        const first = Date.parse(`${isoDate(start)}T00:00:00Z`);
        const end = endRaw ? Date.parse(`${isoDate(endRaw)}T00:00:00Z`) : first + 86_400_000;
        for (let d = first, n = 0; d < end && n < 366; d += 86_400_000, n++) out.push({ date: new Date(d).toISOString().slice(0, 10), kind, name: summary.slice(0, 100) });
      }
      ev = null;
    } else if (ev) {
      const m = /^([A-Z-]+)(;[^:]*)?:(.*)$/.exec(line);
      if (m) ev[m[1]] = m[3];
    }
  }
  if (out.length === 0) throw new Error('the file has no events');
  return out;
}

export function parseJsonDays(text: string): CalendarDay[] {
  const data: unknown = JSON.parse(text);
  const list: unknown = Array.isArray(data) ? data : typeof data === 'object' && data !== null && 'days' in data ? (data as { days: unknown }).days : null;
  if (!Array.isArray(list)) throw new Error('expected a list of days');
  return list.map((d: unknown) => {
    const o = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
    const date = String(o.date ?? '');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`bad date: ${date}`);
    return { date, kind: o.kind === 'workday' ? 'workday' : 'holiday', name: String(o.name ?? '') };
  });
}

export interface DaysDiff {
  years: number[];
  added: CalendarDay[];
  removed: CalendarDay[];
  changed: { before: CalendarDay; after: CalendarDay }[];
  unchanged: number;
}

/** What an import does: the years it contains replace the calendar's days of those years. */
export function diffDays(current: CalendarDay[], incoming: CalendarDay[]): DaysDiff {
  const years = [...new Set(incoming.map((d) => Number(d.date.slice(0, 4))))].sort();
  const inYears = current.filter((d) => years.includes(Number(d.date.slice(0, 4))));
  const before = new Map(inYears.map((d) => [d.date, d]));
  const after = new Map(incoming.map((d) => [d.date, d]));
  const added: CalendarDay[] = [];
  const changed: DaysDiff['changed'] = [];
  let unchanged = 0;
  for (const d of after.values()) {
    const b = before.get(d.date);
    if (!b) added.push(d);
    else if (b.kind !== d.kind || b.name !== d.name) changed.push({ before: b, after: d });
    else unchanged++;
  }
  const removed = inYears.filter((d) => !after.has(d.date));
  const byDate = (a: CalendarDay, b: CalendarDay) => a.date.localeCompare(b.date);
  return { years, added: added.sort(byDate), removed: removed.sort(byDate), changed, unchanged };
}
