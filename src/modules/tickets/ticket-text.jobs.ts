import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/db.ts';
import { subscribe } from '../../platform/outbox/dispatch.ts';
import type { DomainEvent } from '../../platform/outbox/outbox.ts';
import { tickets } from './tickets.schema.ts';
import { rebuildTicketText } from './ticket-text.ts';

/** Tickets rebuilt per transaction: a company with thousands of tickets is not one long transaction. */
const batch = 200;

/**
 * A ticket is found by its customer's name, phones and e-mails (ticket-text.ts). When those change — a
 * rename, an identity added or removed, another customer merged into this one (whose tickets now belong
 * here) — the customer's tickets get their search text again, shortly after the change commits.
 */
export async function rebuildCustomerTickets(db: Db, tenantId: string, customerId: string): Promise<number> {
  const ids = (await db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.tenantId, tenantId), eq(tickets.customerId, customerId)))).map((r) => r.id);
  for (let i = 0; i < ids.length; i += batch) {
    const part = ids.slice(i, i + batch);
    await db.transaction((tx) => rebuildTicketText(tx, tenantId, part));
  }
  return ids.length;
}

/** customer.updated carries the changed fields: only a new name changes what the tickets are found by. */
const renamed = (e: DomainEvent) => typeof e.payload === 'object' && e.payload !== null && 'name' in e.payload;

const rebuild = (db: Db, e: DomainEvent) => rebuildCustomerTickets(db, e.tenantId, e.entityId).then(() => undefined);

subscribe('customer.updated', (e, job) => (renamed(e) ? rebuild(job.db, e) : Promise.resolve()), { name: 'tickets.search_text_customer_renamed' });
subscribe('customer.identity_added', (e, job) => rebuild(job.db, e), { name: 'tickets.search_text_identity_added' });
subscribe('customer.identity_removed', (e, job) => rebuild(job.db, e), { name: 'tickets.search_text_identity_removed' });
// the survivor's id: the merged customer's tickets were moved to it in the merge's transaction
subscribe('customer.merged', (e, job) => rebuild(job.db, e), { name: 'tickets.search_text_customer_merged' });
