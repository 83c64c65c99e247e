import { sql, type SQL } from 'drizzle-orm';

/**
 * A timestamp as `Date.prototype.toISOString()` writes it, for rows PostgreSQL builds as JSON: such rows
 * must read exactly like the ones Node writes. Both truncate to the millisecond (node-postgres drops the
 * microseconds when it makes a Date; to_char's MS does not round).
 */
export const isoUtc = (col: unknown): SQL<string | null> => sql<string | null>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A JSON object with these keys in this order, as a SQL expression. row_to_json writes it compact (json_build_object puts spaces around every colon). */
export const jsonObject = (fields: [string, unknown][]): SQL =>
  sql`(select row_to_json(r) from (select ${sql.join(fields.map(([k, v]) => sql`${v} as ${sql.identifier(k)}`), sql`, `)}) r)`;

/**
 * A JSON array of one jsonObject per row of `from` (a FROM … WHERE clause), in `order`, compact, `[]` when
 * there are none. (json_agg separates its elements with a comma, a space and a line break.)
 */
export const jsonArrayOf = (item: SQL, from: SQL, order: SQL): SQL => sql`coalesce((select '[' || string_agg((${item})::text, ',' order by ${order}) || ']' ${from}), '[]')::json`;
