/** Offset (ms) of `timeZone` from UTC at the instant `utcMs`: positive east of Greenwich. */
function zoneOffset(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(new Date(utcMs))
    .reduce<Record<string, number>>((acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }), {});
  const asIfUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asIfUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Converts a `YYYY-MM-DD` date picked in the tenant's zone to the UTC instant its day starts, or with
 * `end` the instant the next day starts (an exclusive upper bound).
 */
export function zonedDayBoundary(day: string, timeZone: string, end = false): string {
  const [y, m, d] = day.split('-').map(Number);
  const wallClock = Date.UTC(y, m - 1, d + (end ? 1 : 0));
  // the zone's offsets just before and after that day boundary; a candidate is right when its own offset agrees
  const before = zoneOffset(wallClock - 12 * 3600_000, timeZone);
  const after = zoneOffset(wallClock + 12 * 3600_000, timeZone);
  const valid = [wallClock - before, wallClock - after].filter((c) => zoneOffset(c, timeZone) === wallClock - c).sort((x, z) => x - z);
  // none valid: midnight falls in a daylight-saving gap, the day starts when the clocks jump
  return new Date(valid[0] ?? wallClock - before).toISOString();
}

/** A wall-clock time `YYYY-MM-DDTHH:mm` in `timeZone` → the UTC instant (ISO). In a DST gap, the later offset. */
export function zonedWallClockToUtc(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) throw new Error(`not a local date-time: ${local}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const candidates = [zoneOffset(wall - 12 * 3600_000, timeZone), zoneOffset(wall + 12 * 3600_000, timeZone)].map((off) => wall - off);
  const valid = candidates.filter((c) => zoneOffset(c, timeZone) === wall - c).sort((x, z) => x - z);
  return new Date(valid[0] ?? candidates[1]).toISOString();
}

/** The UTC instant `iso` as a wall-clock `YYYY-MM-DDTHH:mm` in `timeZone` (for datetime-local inputs). */
export function utcToZonedWallClock(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  return new Date(t + zoneOffset(t, timeZone)).toISOString().slice(0, 16);
}
