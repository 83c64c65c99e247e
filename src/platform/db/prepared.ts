import { sql } from 'drizzle-orm';
import type { Queryable } from './db.ts';

/**
 * A query built once per database handle (or transaction) instead of on every call, for the hot reads of a
 * page. Turning a drizzle select into SQL text costs 50–180 µs of JS per query (the builder checks the kind
 * of every chunk of every column), which on the customer 360 page, a dozen queries, was a fifth of the
 * request's CPU. The values are sql.placeholder()s, given to execute().
 *
 * `prepare` ends in drizzle's .prepare(name): on PostgreSQL a named statement, parsed and planned once per
 * connection (as the ticket create's statements). One name for one text only, and only for queries whose
 * best plan does not depend on the values, such as an equality on (tenant_id, customer_id) that an index serves.
 */
export function preparedPerDb<T>(prepare: (q: Queryable) => T): (q: Queryable) => T {
  const byDb = new WeakMap<Queryable, T>();
  return (q) => {
    let p = byDb.get(q);
    if (p === undefined) {
      p = prepare(q);
      byDb.set(q, p);
    }
    return p;
  };
}

/**
 * LIMIT as a literal in the statement's text. drizzle sends a number as a parameter, and with LIMIT $n a
 * generic plan assumes a tenth of the rows, costs far above the custom plan, so PostgreSQL never settles on
 * it and plans again on every execution (0.4 ms of its CPU for the ticket queue page). drizzle writes an SQL object
 * given as the limit into the text (pg-core dialect: `typeof limit === "object"`); its type only admits
 * numbers and placeholders.
 */
export const inlineLimit = (n: number) => sql.raw(String(Math.trunc(n))) as unknown as number;
