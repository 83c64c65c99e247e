import type { Queryable, Tx } from '../../platform/db/db.ts';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { consentState, contactFacts, countLiveCustomers, hasMarketingConsent, isInSegment, liveCustomerIds, withBirthdayOn, withdrawConsent as withdraw, type ContactFacts } from '../customers/index.ts';
import { purchaseFacts, purchasesInCategory as ordersInCategory, type PurchaseFacts } from '../orders/index.ts';
import type { MessageChannel } from './campaigns.contract.ts';

/**
 * What campaigns read from (and the one thing they write to) other modules, in one place: the customers
 * module owns contacts, consent and tiers; the orders module owns purchases. Campaign code imports this
 * file, so the names here are the campaigns' vocabulary, and a change in another module lands here only.
 */
/** The contact fields campaigns use (the customers module's ContactFacts also tells whether it was merged). */
export type CustomerFacts = Omit<ContactFacts, 'mergedIntoId'>;
export type { PurchaseFacts };

export async function customerFacts(q: Queryable, tenantId: string, ids: string[]): Promise<Map<string, CustomerFacts>> {
  return contactFacts(q, tenantId, ids);
}

/** Built-in tier names for tenants that kept the default codes without definitions. */
const defaultTierNames: Record<string, [string, string]> = { regular: ['普通会员', 'Regular'], vip: ['贵宾', 'VIP'], senior_vip: ['高级贵宾', 'Senior VIP'] };
export function tierName(c: CustomerFacts, locale: string): string {
  const [zh, en] = defaultTierNames[c.tier] ?? [c.tier, c.tier];
  return locale === 'en' ? (c.tierNameEn ?? en) : (c.tierNameZh ?? zh);
}

/** Marketing consent for a channel: only an explicit granted row counts. */
export async function hasConsent(q: Queryable, tenantId: string, customerId: string, channel: MessageChannel): Promise<boolean> {
  return hasMarketingConsent(q, tenantId, customerId, channel);
}

/** Records a withdrawal (the unsubscribe link) with the customers module's audit and event; returns whether it changed. */
export async function withdrawConsent(tx: Tx, ctx: Ctx, customerId: string, channel: MessageChannel, source: string): Promise<boolean> {
  return withdraw(tx, ctx, customerId, channel, source);
}

/** Keyset page of live (not merged) customers of the tenant, for campaigns without a segment. */
export async function allCustomerIds(q: Queryable, tenantId: string, afterId: string | null, limit: number): Promise<string[]> {
  return liveCustomerIds(q, tenantId, afterId, limit);
}

export async function countAllCustomers(q: Queryable, tenantId: string): Promise<number> {
  return countLiveCustomers(q, tenantId);
}

/** Of `ids`, those whose birthday month-day is one of `monthDays` ('MM-DD'). */
export async function withBirthday(q: Queryable, tenantId: string, ids: string[], monthDays: string[]): Promise<string[]> {
  return withBirthdayOn(q, tenantId, ids, monthDays);
}

/** Orders of `ids` placed on one of the local `dates` (tenant zone) with an item of the category, not cancelled. */
export async function purchasesInCategory(q: Queryable, tenantId: string, ids: string[], categoryId: string, dates: string[], timeZone: string): Promise<PurchaseFacts[]> {
  return ordersInCategory(q, tenantId, ids, categoryId, dates, timeZone);
}

/** Number, sale date and first product of one order (follow-up scripts and the historical-order check). */
export async function orderFacts(q: Queryable, tenantId: string, orderId: string): Promise<PurchaseFacts | null> {
  return purchaseFacts(q, tenantId, orderId);
}

/**
 * A follow-up visit is a phone call: an explicit withdrawal of the 'phone' channel stops it. No row is not a
 * withdrawal here (follow-ups are service contact and need no marketing grant).
 */
export async function phoneContactWithdrawn(q: Queryable, tenantId: string, customerId: string): Promise<boolean> {
  return (await consentState(q, tenantId, customerId, 'phone')) === 'withdrawn';
}

/** Whether the customer is in the campaign's segment now (404 when the segment is gone). */
export async function inSegment(ctx: Ctx, segmentId: string, customerId: string): Promise<boolean> {
  return isInSegment(ctx, segmentId, customerId);
}
