import { and, eq, sql, type Placeholder, type SQLWrapper } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/db.ts';
import { isoUtc } from '../../platform/db/json-sql.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { customers } from '../customers/index.ts';
import { slaPolicies } from '../sla/index.ts';
import { ticketEvents, ticketMessages, tickets } from './tickets.schema.ts';
import type { TicketDetail } from './tickets.contract.ts';
import { jsonArrayOf, jsonObject } from '../../platform/db/json-sql.ts';
import { ticketJoins, ticketJson } from './ticket-json.ts';

/**
 * The ticket page's read in one statement, written by PostgreSQL as the JSON text of `TicketDetail`: the
 * ticket as the lists show it (ticket-json.ts), then the conversation and the history. It was five
 * sequential round trips; then one statement whose rows Node turned into objects and back into JSON.
 */
function detailSelect(db: Queryable, v: (name: 'tenantId' | 'id' | 'now') => string | Placeholder<string>) {
  const m = ticketMessages;
  const e = ticketEvents;
  const { customer, policy } = ticketJoins();
  const messages = jsonArrayOf(
    jsonObject([
      ['id', m.id],
      ['kind', m.kind],
      ['authorType', m.authorType],
      ['authorUserId', m.authorUserId],
      ['authorName', m.authorName],
      ['body', m.body],
      ['channel', m.channel],
      ['createdAt', isoUtc(m.createdAt)],
    ]),
    sql`from ${m} where ${m.tenantId} = ${tickets.tenantId} and ${m.ticketId} = ${tickets.id}`,
    sql`${m.createdAt}, ${m.id}`,
  );
  const events = jsonArrayOf(
    jsonObject([
      ['id', e.id],
      ['type', e.type],
      ['actorName', e.actorName],
      ['data', e.data],
      ['at', isoUtc(e.at)],
    ]),
    sql`from ${e} where ${e.tenantId} = ${tickets.tenantId} and ${e.ticketId} = ${tickets.id}`,
    sql`${e.id}`,
  );
  return db
    .select({ json: ticketJson(sql`${v('now')}`, [['messages', messages], ['events', events]]) })
    .from(tickets)
    .leftJoin(customers, customer)
    .leftJoin(slaPolicies, policy)
    .where(and(eq(tickets.tenantId, v('tenantId')), eq(tickets.id, v('id'))));
}
const detailQuery = preparedPerDb((db) => detailSelect(db, sql.placeholder).prepare('ticket_detail_json'));

/** The ticket page's statement with the values written in instead of prepared, for EXPLAIN ANALYZE (the ticket benchmark). */
export function ticketDetailStatement(db: Queryable, tenantId: string, id: string): SQLWrapper {
  const values = { tenantId, id, now: new Date().toISOString() };
  return detailSelect(db, (name) => values[name]);
}

/** The ticket page (GET /api/v1/tickets/:id) as the JSON text of `TicketDetail`, or null when the tenant has no such ticket. */
export async function readTicketDetailJson(db: Queryable, tenantId: string, id: string): Promise<string | null> {
  const [r] = await detailQuery(db).execute({ tenantId, id, now: new Date().toISOString() });
  return r ? r.json : null;
}

/** The same, as an object (for callers in the server; the route sends the text). */
export async function readTicketDetail(db: Queryable, tenantId: string, id: string): Promise<TicketDetail | null> {
  const text = await readTicketDetailJson(db, tenantId, id);
  return text === null ? null : (JSON.parse(text) as TicketDetail);
}
