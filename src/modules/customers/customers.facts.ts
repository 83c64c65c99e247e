import { and, asc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/db.ts';
import { customerIdentities, customers, tierDefinitions } from './customers.schema.ts';

/**
 * Read models of customers for modules that message or call them (campaigns, follow-ups): the fields a
 * template or a call list needs, in one query for many customers, and keyset pages over live customers.
 */
export interface ContactFacts {
  id: string;
  name: string;
  language: string;
  tier: string;
  tierNameZh: string | null;
  tierNameEn: string | null;
  /** the first e-mail / phone identity (smallest value), null when the customer has none */
  email: string | null;
  phone: string | null;
  ownerId: string | null;
  dedicatedAgentId: string | null;
  /** set when merged into another customer */
  mergedIntoId: string | null;
}

const firstIdentity = (kind: 'email' | 'phone') =>
  sql<string | null>`(select min(i.value) from ${customerIdentities} i where i.tenant_id = ${customers.tenantId} and i.customer_id = ${customers.id} and i.kind = ${kind})`;

export async function contactFacts(q: Queryable, tenantId: string, ids: readonly string[]): Promise<Map<string, ContactFacts>> {
  if (ids.length === 0) return new Map();
  const rs = await q
    .select({
      id: customers.id,
      name: customers.name,
      language: customers.language,
      tier: customers.tier,
      tierNameZh: tierDefinitions.nameZh,
      tierNameEn: tierDefinitions.nameEn,
      email: firstIdentity('email'),
      phone: firstIdentity('phone'),
      ownerId: customers.ownerId,
      dedicatedAgentId: customers.dedicatedAgentId,
      mergedIntoId: customers.mergedIntoId,
    })
    .from(customers)
    .leftJoin(tierDefinitions, and(eq(tierDefinitions.tenantId, customers.tenantId), eq(tierDefinitions.code, customers.tier)))
    .where(and(eq(customers.tenantId, tenantId), inArray(customers.id, [...new Set(ids)])));
  return new Map(rs.map((r) => [r.id, r]));
}

/** Keyset page (by id) of the tenant's live (not merged) customers. */
export async function liveCustomerIds(q: Queryable, tenantId: string, afterId: string | null, limit: number): Promise<string[]> {
  const live = and(eq(customers.tenantId, tenantId), isNull(customers.mergedIntoId));
  const rs = await q
    .select({ id: customers.id })
    .from(customers)
    .where(afterId ? and(live, gt(customers.id, afterId)) : live)
    .orderBy(asc(customers.id))
    .limit(limit);
  return rs.map((r) => r.id);
}

export async function countLiveCustomers(q: Queryable, tenantId: string): Promise<number> {
  const [r] = await q.select({ n: sql<number>`count(*)::int` }).from(customers).where(and(eq(customers.tenantId, tenantId), isNull(customers.mergedIntoId)));
  return Number(r?.n ?? 0);
}

/** Of `ids`, the live customers whose birthday (month and day) is one of `monthDays` ('MM-DD'). */
export async function withBirthdayOn(q: Queryable, tenantId: string, ids: readonly string[], monthDays: readonly string[]): Promise<string[]> {
  if (ids.length === 0 || monthDays.length === 0) return [];
  const rs = await q
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        eq(customers.tenantId, tenantId),
        isNull(customers.mergedIntoId),
        isNotNull(customers.birthday),
        inArray(sql`to_char(${customers.birthday}, 'MM-DD')`, [...monthDays]),
        inArray(customers.id, [...ids]),
      ),
    );
  return rs.map((r) => r.id);
}
