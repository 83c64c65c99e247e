import type { CalendarDay } from './calendar.contract.ts';

/**
 * Reads all-day events from an iCalendar file (RFC 5545) as calendar days. Only what holiday feeds use:
 * unfolded lines, DTSTART/DTEND with VALUE=DATE (or a date-time, whose date is taken), SUMMARY, CATEGORIES.
 */
const workdayHint = /班|补班|上班|workday|working day|make-up/i;

function unfold(text: string): string[] {
  return text.replace(/\r\n/g, '\n').replace(/\n[ \t]/g, '').split('\n');
}

const isoDate = (v: string) => `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;

function unescape(v: string) {
  return v.replace(/\\n/gi, ' ').replace(/\\([,;\\])/g, '$1').trim();
}

export class IcsError extends Error {}

export function parseIcsDays(text: string): CalendarDay[] {
  const lines = unfold(text);
  if (!lines.some((l) => l.trim() === 'BEGIN:VCALENDAR')) throw new IcsError('not an iCalendar file');
  const out: CalendarDay[] = [];
  let ev: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') ev = {};
    else if (line === 'END:VEVENT' && ev) {
      const start = /^(\d{8})/.exec(ev.DTSTART ?? '')?.[1];
      if (!start) throw new IcsError('an event has no DTSTART date');
      const endRaw = /^(\d{8})/.exec(ev.DTEND ?? '')?.[1];
      const summary = unescape(ev.SUMMARY ?? '');
      const kind = workdayHint.test(`${summary} ${ev.CATEGORIES ?? ''}`) ? 'workday' : 'holiday';
      // DTEND of an all-day event is exclusive
      const first = new Date(`${isoDate(start)}T00:00:00Z`);
      const end = endRaw ? new Date(`${isoDate(endRaw)}T00:00:00Z`) : new Date(first.getTime() + 86_400_000);
      for (let d = first, n = 0; d < end && n < 366; d = new Date(d.getTime() + 86_400_000), n++) {
        out.push({ date: d.toISOString().slice(0, 10), kind, name: summary.slice(0, 100) });
      }
      ev = null;
    } else if (ev) {
      const m = /^([A-Z-]+)(;[^:]*)?:(.*)$/.exec(line);
      if (m) ev[m[1]] = m[3];
    }
  }
  if (out.length === 0) throw new IcsError('the file has no events');
  return out;
}
