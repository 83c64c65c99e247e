import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { isBad, parseDate, parseDateTime } from './sheet.values.ts';
import { RowKeys, timeOrderedUuid } from './rows.common.ts';

describe('parseDateTime / parseDate (answers remembered per text and zone)', () => {
  it('gives each zone its own instant for the same text, however often it is asked', () => {
    for (let k = 0; k < 3; k++) {
      const sh = parseDateTime('2026-03-05 10:30', 'Asia/Shanghai');
      const ny = parseDateTime('2026-03-05 10:30', 'America/New_York');
      if (isBad(sh) || isBad(ny)) throw new Error('not a date');
      expect(sh.toUTC().toISO()).toBe('2026-03-05T02:30:00.000Z');
      expect(ny.toUTC().toISO()).toBe('2026-03-05T15:30:00.000Z');
    }
    expect(parseDateTime('2026-02-30', 'Asia/Shanghai')).toMatchObject({ bad: 'bad_date' });
    expect(parseDateTime('2026-02-30', 'Asia/Shanghai')).toMatchObject({ bad: 'bad_date' });
  });

  it('refuses a birthday after today in the zone, and takes today', () => {
    const today = DateTime.now().setZone('Asia/Shanghai');
    expect(parseDate(today.toISODate()!, 'Asia/Shanghai')).toBe(today.toISODate());
    expect(parseDate(today.plus({ days: 1 }).toISODate()!, 'Asia/Shanghai')).toEqual({ bad: 'date_in_future' });
    expect(parseDate('1990年5月1日', 'Asia/Shanghai')).toBe('1990-05-01');
  });
});

describe('timeOrderedUuid', () => {
  it('is a version 7 UUID whose first 48 bits are the creation millisecond, all distinct', async () => {
    const before = Date.now();
    const ids = Array.from({ length: 5000 }, () => timeOrderedUuid());
    await new Promise((r) => setTimeout(r, 3));
    const later = timeOrderedUuid();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(Date.now());
    }
    expect(later > ids[0]).toBe(true);
  });
});

describe('RowKeys', () => {
  it('answers like a Map<string, number> through growth, overwrites and keys of any script and length', () => {
    const keys = new RowKeys();
    const map = new Map<string, number>();
    const seen: string[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = ['a', 'Z', '0', '9', ':', '@', '.', '王', '李', '𠀋', ' ', '-'];
    const key = () => Array.from({ length: Math.floor(random() * (random() < 0.01 ? 300 : 16)) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 30_000; i++) {
      const k = i % 5 === 0 && i > 0 ? seen[Math.floor(random() * seen.length)] : key();
      expect(keys.get(k)).toBe(map.get(k));
      expect(keys.has(k)).toBe(map.has(k));
      keys.set(k, i + 2);
      map.set(k, i + 2);
      seen.push(k);
    }
    expect(keys.size).toBe(map.size);
    for (const [k, v] of map) expect(keys.get(k)).toBe(v);
    expect(keys.get('never set')).toBeUndefined();
  });
});
