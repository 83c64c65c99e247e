import { DateTime } from 'luxon';
import type { Cell } from './sheet.read.ts';

/** A value that could not be read: an i18n key under `sheetImport.row.` and its params. */
export interface Bad {
  bad: string;
  params?: Record<string, string | number>;
}
export type Parsed<T> = T | Bad;
export const isBad = <T>(v: Parsed<T>): v is Bad => typeof v === 'object' && v !== null && 'bad' in v;

export const text = (c: Cell | undefined): string => (c === undefined ? '' : c instanceof Date ? c.toISOString() : c.normalize('NFC').trim());

const dateRe = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A date as Chinese sheets write it: 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, optionally with a time;
 * or an XLSX date cell (its wall-clock fields). Dates without a zone are in the tenant's zone.
 */
export function parseDateTime(c: Cell, zone: string): Parsed<DateTime> {
  if (c instanceof Date) return readDateTime(c, zone);
  // A sheet repeats its dates (birthdays, sale days) and a zoned DateTime costs a time-zone lookup through
  // Intl (most of an import row's CPU): the same text in the same zone gives the same immutable result.
  const key = `${zone}\u0000${c}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const v = readDateTime(c, zone);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, v);
  return v;
}
const MEMO_MAX = 50_000;
const memo = new Map<string, Parsed<DateTime>>();

function readDateTime(c: Cell, zone: string): Parsed<DateTime> {
  if (c instanceof Date) {
    const d = DateTime.fromObject(
      { year: c.getUTCFullYear(), month: c.getUTCMonth() + 1, day: c.getUTCDate(), hour: c.getUTCHours(), minute: c.getUTCMinutes(), second: c.getUTCSeconds() },
      { zone },
    );
    return d.isValid ? d : { bad: 'bad_date' };
  }
  const s = c.normalize('NFKC').trim();
  const m = dateRe.exec(s);
  let d: DateTime;
  if (m) {
    d = DateTime.fromObject({ year: +m[1], month: +m[2], day: +m[3], hour: m[4] ? +m[4] : 0, minute: m[5] ? +m[5] : 0, second: m[6] ? +m[6] : 0 }, { zone });
  } else {
    d = DateTime.fromISO(s, { zone, setZone: false });
  }
  if (!d.isValid || d.year < 1900 || d.year > 2100) return { bad: 'bad_date', params: { value: s.slice(0, 40) } };
  return d;
}

/** The end of today in `zone`, worked out again only once the day is over (or the clock went back before it). */
const todayEnds = new Map<string, { start: number; end: DateTime }>();
function endOfToday(zone: string): DateTime {
  const now = Date.now();
  const known = todayEnds.get(zone);
  if (known && now >= known.start && now <= known.end.toMillis()) return known.end;
  const today = DateTime.fromMillis(now).setZone(zone);
  const end = today.endOf('day');
  todayEnds.set(zone, { start: today.startOf('day').toMillis(), end });
  return end;
}

/** A calendar date (birthday): YYYY-MM-DD, not in the future. */
export function parseDate(c: Cell, zone: string): Parsed<string> {
  const d = parseDateTime(c, zone);
  if (isBad(d)) return d;
  if (d > endOfToday(zone)) return { bad: 'date_in_future' };
  return d.toISODate()!;
}

/** Money in yuan as typed (¥1,299.50, 1299.5元) → integer fen; at most two decimals, not negative. */
export function parseMoney(c: Cell): Parsed<number> {
  const s = text(c).normalize('NFKC').replace(/[¥,\s]|元|RMB|CNY/gi, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) return { bad: 'bad_money', params: { value: text(c).slice(0, 40) } };
  const [yuan, dec = ''] = s.replace('-', '').split('.');
  const fen = Number(yuan) * 100 + Number(dec.padEnd(2, '0'));
  if (s.startsWith('-') && fen !== 0) return { bad: 'negative' };
  if (!Number.isSafeInteger(fen) || fen > 1e13) return { bad: 'bad_money', params: { value: s.slice(0, 40) } };
  return fen;
}

export function parseInteger(c: Cell, min: number, max: number): Parsed<number> {
  const s = text(c).normalize('NFKC').replace(/[,\s]/g, '').replace(/\.0+$/, '');
  if (!/^-?\d+$/.test(s)) return { bad: 'bad_integer', params: { value: text(c).slice(0, 40) } };
  const n = Number(s);
  if (n < min) return min === 1 ? { bad: 'must_be_positive' } : { bad: 'negative' };
  if (n > max) return { bad: 'too_large', params: { max } };
  return n;
}

const genders: Record<string, 'male' | 'female' | 'unknown'> = { 男: 'male', male: 'male', m: 'male', 先生: 'male', 女: 'female', female: 'female', f: 'female', 女士: 'female', 未知: 'unknown', unknown: 'unknown', 保密: 'unknown' };
export function parseGender(c: Cell): Parsed<'male' | 'female' | 'unknown'> {
  const s = text(c).toLowerCase();
  return genders[s] ?? { bad: 'bad_gender', params: { value: s.slice(0, 20) } };
}

const channels: Record<string, 'online' | 'offline_store' | 'distributor'> = {
  online: 'online', 线上: 'online', 网店: 'online', 电商: 'online', 网购: 'online', 官网: 'online', 天猫: 'online', 京东: 'online', onlineshop: 'online',
  offline_store: 'offline_store', offline: 'offline_store', store: 'offline_store', 门店: 'offline_store', 线下: 'offline_store', 实体店: 'offline_store', 专卖店: 'offline_store',
  distributor: 'distributor', 经销商: 'distributor', 分销: 'distributor', 代理商: 'distributor', dealer: 'distributor',
};
export function parseChannel(c: Cell): Parsed<'online' | 'offline_store' | 'distributor'> {
  const s = text(c).toLowerCase().replace(/\s+/g, '');
  return channels[s] ?? { bad: 'bad_channel', params: { value: text(c).slice(0, 20) } };
}

const yes = new Set(['是', 'y', 'yes', 'true', '1', '√', 'x']);
const no = new Set(['否', 'n', 'no', 'false', '0', '']);
export function parseBool(c: Cell): Parsed<boolean> {
  const s = text(c).toLowerCase();
  if (yes.has(s)) return true;
  if (no.has(s)) return false;
  return { bad: 'bad_boolean', params: { value: s.slice(0, 20) } };
}

export function parseTags(c: Cell): string[] {
  return [...new Set(text(c).split(/[,，、;；|\n]/).map((t) => t.trim()).filter((t) => t.length > 0 && t.length <= 50))].slice(0, 30);
}
