import { and, eq, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../../platform/db/db.ts';
import { isoUtc } from '../../platform/db/json-sql.ts';
import { customers } from '../customers/index.ts';
import { slaPolicies } from '../sla/index.ts';
import { ticketEvents, ticketMessages, tickets } from './tickets.schema.ts';
import type { TicketDetail, TicketMessage } from './tickets.contract.ts';
import { ticketViewColumns, toTicket } from './tickets.service.ts';


type TicketEventOut = TicketDetail['events'][number];

/**
 * The ticket page's read in one statement: the row, customer and policy names, the conversation and the
 * history as JSON arrays. It was five sequential round trips, each built by the query builder on every
 * request; now it is one prepared statement per database handle.
 */
function detailQuery(db: Db) {
  const tenantId = sql.placeholder('tenantId');
  const id = sql.placeholder('id');
  const m = ticketMessages;
  const e = ticketEvents;
  return db
    .select({
      ...ticketViewColumns,
      customerName: customers.name,
      policyName: slaPolicies.name,
      messages: sql<TicketMessage[]>`coalesce((
        select json_agg(json_build_object('id', ${m.id}, 'kind', ${m.kind}, 'authorType', ${m.authorType},
                 'authorUserId', ${m.authorUserId}, 'authorName', ${m.authorName}, 'body', ${m.body},
                 'channel', ${m.channel}, 'createdAt', ${isoUtc(m.createdAt)}) order by ${m.createdAt}, ${m.id})
          from ${m} where ${m.tenantId} = ${tickets.tenantId} and ${m.ticketId} = ${tickets.id}), '[]'::json)`,
      events: sql<TicketEventOut[]>`coalesce((
        select json_agg(json_build_object('id', ${e.id}, 'type', ${e.type}, 'actorName', ${e.actorName},
                 'data', ${e.data}, 'at', ${isoUtc(e.at)}) order by ${e.id})
          from ${e} where ${e.tenantId} = ${tickets.tenantId} and ${e.ticketId} = ${tickets.id}), '[]'::json)`,
    })
    .from(tickets)
    .leftJoin(customers, and(eq(customers.tenantId, tickets.tenantId), eq(customers.id, tickets.customerId)))
    .leftJoin(slaPolicies, and(eq(slaPolicies.tenantId, tickets.tenantId), eq(slaPolicies.id, tickets.slaPolicyId)))
    .where(and(eq(tickets.tenantId, tenantId), eq(tickets.id, id)))
    .prepare('ticket_detail');
}

const prepared = new WeakMap<object, ReturnType<typeof detailQuery>>();

export async function readTicketDetail(db: Queryable, tenantId: string, id: string): Promise<TicketDetail | null> {
  let q = prepared.get(db);
  if (!q) {
    q = detailQuery(db as Db);
    prepared.set(db, q);
  }
  const [r] = await q.execute({ tenantId, id });
  if (!r) return null;
  const { customerName, policyName, messages, events, ...row } = r;
  const t = toTicket(row, customerName);
  return { ...t, sla: { ...t.sla, policyName }, messages, events };
}
