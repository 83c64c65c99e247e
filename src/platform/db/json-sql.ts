import { sql, type SQL } from 'drizzle-orm';

/**
 * A timestamp as `Date.prototype.toISOString()` writes it, for rows PostgreSQL builds as JSON: such rows
 * must read exactly like the ones Node writes. Both truncate to the millisecond (node-postgres drops the
 * microseconds when it makes a Date; to_char's MS does not round).
 */
export const isoUtc = (col: unknown): SQL<string | null> => sql<string | null>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
