import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/db.ts';
import { searchParts, searchVector, searchVectorOf } from '../../platform/search/search.ts';
import { getCustomers } from '../customers/index.ts';
import { ticketMessages, tickets } from './tickets.schema.ts';

/**
 * The text a ticket is found by, kept as one tsvector on the ticket (see tickets.schema.ts): number and
 * subject weigh A, description and customer B, public replies and internal notes C. Automatic and system
 * messages (auto-replies, merge notices) are not searched: they would make every ticket match "ticket".
 */
export const searchedKinds = ['public', 'note'] as const;
export const isSearchedKind = (kind: string): boolean => (searchedKinds as readonly string[]).includes(kind);

/**
 * Message text beyond this many characters is left out of a rebuilt vector. PostgreSQL refuses a tsvector
 * over 1 MB; the SQL function ticket_text_cat (migration 0023) applies the same bound, by size, when a message
 * is appended, so a conversation of thousands of messages stays searchable by its first ones instead of failing.
 */
export const messageTextCap = 100_000;

/**
 * The customer's identities as they are searched: a mainland number is stored as +86…, and agents type the
 * 11 digits people say, so both forms are indexed.
 */
function searchableIdentities(values: string[]): string[] {
  return values.flatMap((v) => (/^\+86\d{6,}$/.test(v) ? [v, v.slice(3)] : [v]));
}

/** Title and body parts of a ticket's own text (its number, subject, description and customer). */
export function ticketOwnText(r: { number: string; subject: string; description: string }, customer: { name?: string | null; identities?: string[] }) {
  return { title: `${r.number} ${r.subject}`, body: `${r.description} ${customer.name ?? ''} ${searchableIdentities(customer.identities ?? []).join(' ')}` };
}

/** The vector of a new ticket (no messages yet). */
export function ownVector(text: { title: string; body: string }): SQL {
  return sql`${searchVector(text.title, 'A')} || ${searchVector(text.body, 'B')}`;
}

/** SET expression appending one message's text to the ticket's vector (bounded by ticket_text_cat). */
export function appendMessageVector(body: string): SQL {
  return sql`ticket_text_cat(${tickets.searchVector}, ${searchVector(body, 'C')})`;
}

/** Messages' text for bulk writes (import): the parts of the concatenated bodies, within messageTextCap. */
export function messagesParts(bodies: string[]): { latin: string; cjk: string } {
  let text = '';
  for (const b of bodies) {
    if (text.length + b.length + 1 > messageTextCap) break;
    text += `${b}\n`;
  }
  return searchParts(text);
}

/** searchVectorOf() for the messages' parts of a bulk write (weight C). */
export const messagesVectorOf = (latin: SQL, cjk: SQL): SQL => searchVectorOf(latin, cjk, 'C');

/**
 * Rebuilds the vectors of these tickets from their own text and their messages: after a subject change,
 * and after a merge or split moved messages from one ticket to another.
 */
export async function rebuildTicketText(tx: Tx, tenantId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rs = await tx
    .select({ id: tickets.id, number: tickets.number, subject: tickets.subject, description: tickets.description, customerId: tickets.customerId })
    .from(tickets)
    .where(and(eq(tickets.tenantId, tenantId), inArray(tickets.id, ids)));
  const customerIds = [...new Set(rs.map((r) => r.customerId).filter((x): x is string => !!x))];
  const customersById = new Map((await getCustomers(tx, tenantId, customerIds)).map((c) => [c.id, c]));
  const messages = await tx
    .select({ ticketId: ticketMessages.ticketId, body: ticketMessages.body })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.tenantId, tenantId), inArray(ticketMessages.ticketId, ids), inArray(ticketMessages.kind, [...searchedKinds])))
    .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id));
  for (const r of rs) {
    const c = r.customerId ? customersById.get(r.customerId) : undefined;
    const own = ownVector(ticketOwnText(r, { name: c?.name, identities: c?.identities.map((i) => i.value) }));
    const parts = messagesParts(messages.filter((m) => m.ticketId === r.id).map((m) => m.body));
    await tx
      .update(tickets)
      .set({ searchVector: sql`ticket_text_cat(${own}, ${messagesVectorOf(sql`${parts.latin}::text`, sql`${parts.cjk}::text`)})` })
      .where(and(eq(tickets.tenantId, tenantId), eq(tickets.id, r.id)));
  }
}
