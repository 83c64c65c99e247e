import { and, eq, sql } from 'drizzle-orm';
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
const detailQuery = preparedPerDb((db) => {
  const ph = sql.placeholder;
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
    .select({ json: ticketJson(ph('now'), [['messages', messages], ['events', events]]) })
    .from(tickets)
    .leftJoin(customers, customer)
    .leftJoin(slaPolicies, policy)
    .where(and(eq(tickets.tenantId, ph('tenantId')), eq(tickets.id, ph('id'))))
    .prepare('ticket_detail_json');
});

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
