import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { customerConsents } from './customers.schema.ts';
import { lockCustomer, survivorOf } from './customers.service.ts';
import { customerMerged, touchCustomer } from './customers.write.ts';
import type { ConsentChannel, ConsentInput } from './customers.contract.ts';

/**
 * The one place consent rows are written. Rule of the module: no row = no marketing consent; a row with
 * granted = false is an explicit withdrawal (which also stops transactional contact on that channel, e.g.
 * follow-up calls after a phone withdrawal). Every change bumps the customer's version and writes the audit
 * row plus the `customer.consent_changed` event that the 360 timeline shows.
 */
export type ConsentState = 'granted' | 'withdrawn' | 'none';

const key = (tenantId: string, customerId: string, channel: ConsentChannel) =>
  and(eq(customerConsents.tenantId, tenantId), eq(customerConsents.customerId, customerId), eq(customerConsents.channel, channel));

export async function consentState(q: Queryable, tenantId: string, customerId: string, channel: ConsentChannel): Promise<ConsentState> {
  const [r] = await q.select({ granted: customerConsents.granted }).from(customerConsents).where(key(tenantId, customerId, channel));
  if (!r) return 'none';
  return r.granted ? 'granted' : 'withdrawn';
}

/** Marketing on a channel needs an explicit grant. */
export async function hasMarketingConsent(q: Queryable, tenantId: string, customerId: string, channel: ConsentChannel): Promise<boolean> {
  return (await consentState(q, tenantId, customerId, channel)) === 'granted';
}

/**
 * Writes one channel's consent in the caller's transaction. With `onlyIfChanged`, a state equal to the
 * current one writes nothing and returns false (a repeated unsubscribe click is not a second change).
 */
export async function changeConsent(tx: Tx, ctx: Ctx, customerId: string, input: ConsentInput, opts: { onlyIfChanged?: boolean } = {}): Promise<boolean> {
  // lock first: two concurrent withdrawals must not both see "granted" and both log a change
  const row = await lockCustomer(tx, ctx.tenantId, customerId);
  if (!row) throw notFound();
  if (row.mergedIntoId) throw customerMerged();
  const [before] = await tx.select().from(customerConsents).where(key(ctx.tenantId, customerId, input.channel));
  if (opts.onlyIfChanged && before?.granted === input.granted) return false;
  await touchCustomer(tx, ctx, customerId);
  const changedAt = new Date();
  await tx
    .insert(customerConsents)
    .values({ tenantId: ctx.tenantId, customerId, channel: input.channel, granted: input.granted, source: input.source, changedAt })
    .onConflictDoUpdate({ target: [customerConsents.tenantId, customerConsents.customerId, customerConsents.channel], set: { granted: input.granted, source: input.source, changedAt } });
  await recordChange(tx, ctx, {
    action: 'consent_changed',
    entityType: 'customer',
    entityId: customerId,
    before: before ? { channel: before.channel, granted: before.granted, source: before.source } : null,
    after: { channel: input.channel, granted: input.granted, source: input.source, changedAt },
  });
  return true;
}

/**
 * Consent given or withdrawn from outside the customer page (an unsubscribe link, a campaign reply). A link
 * to a customer merged since applies to the one that now holds the record. Returns whether anything changed.
 */
async function setFromOutside(tx: Tx, ctx: Ctx, customerId: string, channel: ConsentChannel, granted: boolean, source: string): Promise<boolean> {
  const id = await survivorOf(tx, ctx.tenantId, customerId);
  if (!id) return false;
  return changeConsent(tx, ctx, id, { channel, granted, source: source.slice(0, 50) }, { onlyIfChanged: true });
}

export const withdrawConsent = (tx: Tx, ctx: Ctx, customerId: string, channel: ConsentChannel, source: string) => setFromOutside(tx, ctx, customerId, channel, false, source);
export const grantConsent = (tx: Tx, ctx: Ctx, customerId: string, channel: ConsentChannel, source: string) => setFromOutside(tx, ctx, customerId, channel, true, source);
