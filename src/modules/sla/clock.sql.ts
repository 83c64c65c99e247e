import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Clock } from './clock.ts';

/** A clock's six instants as SQL: a ticket row's columns in the lists. */
export type ClockColumns = Record<keyof Clock, SQLWrapper>;

/**
 * breachedTargets (clock.ts) as a SQL expression that yields the JSON array, for lists PostgreSQL writes as
 * JSON (the queue page). Same rule, same order: a stopped target counts by the time it stopped, a paused
 * clock by the time it paused. clock.sql.test.ts runs both over a table of clocks on each database.
 * `now`: an instant (e.g. a placeholder holding an ISO string), cast here.
 */
export function breachedTargetsJson(c: ClockColumns, now: SQLWrapper): SQL {
  const at = sql`${now}::timestamptz`;
  const late = (due: SQLWrapper, stop: SQL) => sql`${due} is not null and ${stop} > ${due}`;
  return sql`to_json(array_remove(array[
    case when ${late(c.firstResponseDueAt, sql`coalesce(${c.firstRespondedAt}, ${c.pausedAt}, ${at})`)} then 'first_response' end,
    case when ${late(c.nextResponseDueAt, sql`coalesce(${c.pausedAt}, ${at})`)} then 'next_response' end,
    case when ${late(c.resolutionDueAt, sql`coalesce(${c.resolvedAt}, ${c.pausedAt}, ${at})`)} then 'resolution' end
  ]::text[], null))`;
}
