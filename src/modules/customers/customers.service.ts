import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { customerIdentities, customers } from './customers.schema.ts';
import { normaliseEmail, normalisePhone } from './phone.ts';
import type { Customer, CustomerTier, IdentityKind } from './customers.contract.ts';

export interface ContactDetails {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** `system:id`, e.g. `wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M` */
  externalId?: string | null;
}

type Identity = { kind: IdentityKind; value: string };

/** Contact fields that were given but cannot be used (for a field error at the API edge). */
export function contactProblems(d: ContactDetails): { field: 'phone' | 'email'; code: string }[] {
  const out: { field: 'phone' | 'email'; code: string }[] = [];
  if (d.phone?.trim() && !normalisePhone(d.phone)) out.push({ field: 'phone', code: 'invalid_phone' });
  if (d.email?.trim() && !normaliseEmail(d.email)) out.push({ field: 'email', code: 'invalid_email' });
  return out;
}

/** The normalised identities in the details; invalid phones/e-mails are dropped, not guessed. */
export function identitiesOf(d: ContactDetails): Identity[] {
  const out: Identity[] = [];
  const email = d.email ? normaliseEmail(d.email) : null;
  if (email) out.push({ kind: 'email', value: email });
  const phone = d.phone ? normalisePhone(d.phone) : null;
  if (phone) out.push({ kind: 'phone', value: phone });
  const ext = d.externalId?.trim();
  if (ext) out.push({ kind: 'external', value: ext.slice(0, 200) });
  return out;
}

async function loadCustomers(q: Queryable, tenantId: string, ids: string[]): Promise<Customer[]> {
  if (ids.length === 0) return [];
  const rs = await q.select().from(customers).where(and(eq(customers.tenantId, tenantId), inArray(customers.id, ids)));
  const idents = await q
    .select()
    .from(customerIdentities)
    .where(and(eq(customerIdentities.tenantId, tenantId), inArray(customerIdentities.customerId, ids)));
  return rs.map((r) => ({
    id: r.id,
    kind: r.kind as Customer['kind'],
    name: r.name,
    tier: r.tier as CustomerTier,
    dedicatedAgentId: r.dedicatedAgentId,
    identities: idents.filter((i) => i.customerId === r.id).map((i) => ({ kind: i.kind as IdentityKind, value: i.value })),
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function getCustomer(ctx: Ctx, id: string): Promise<Customer> {
  const [c] = await loadCustomers(ctx.db, ctx.tenantId, [id]);
  if (!c) throw notFound();
  return c;
}

export async function getCustomers(q: Queryable, tenantId: string, ids: string[]): Promise<Customer[]> {
  return loadCustomers(q, tenantId, [...new Set(ids)]);
}

/**
 * The customer these contact details belong to: the one that already has any of the identities (the
 * e-mail, the normalised phone, the external id), with the new identities attached; otherwise a new one.
 * Runs in the caller's transaction. Returns null when the details identify nobody.
 */
export async function resolveCustomer(tx: Tx, ctx: Ctx, details: ContactDetails): Promise<string | null> {
  const ids = identitiesOf(details);
  if (ids.length === 0) {
    // a caller who only gives a name (a phone call logged by an agent) still gets a customer record
    const name = details.name?.trim();
    if (!name) return null;
    const [row] = await tx.insert(customers).values({ tenantId: ctx.tenantId, name: name.slice(0, 200) }).returning({ id: customers.id });
    await recordChange(tx, ctx, { action: 'created', entityType: 'customer', entityId: row.id, after: { name, identities: [] } });
    return row.id;
  }
  const match = await tx
    .select({ customerId: customerIdentities.customerId, kind: customerIdentities.kind, value: customerIdentities.value })
    .from(customerIdentities)
    .where(and(eq(customerIdentities.tenantId, ctx.tenantId), or(...ids.map((i) => and(eq(customerIdentities.kind, i.kind), eq(customerIdentities.value, i.value))))));
  let customerId = match[0]?.customerId;
  if (!customerId) {
    const name = details.name?.trim() || ids[0].value;
    const [row] = await tx.insert(customers).values({ tenantId: ctx.tenantId, name: name.slice(0, 200) }).returning({ id: customers.id });
    customerId = row.id;
    await recordChange(tx, ctx, { action: 'created', entityType: 'customer', entityId: customerId, after: { name, identities: ids } });
  }
  const known = new Set(match.map((m) => `${m.kind}:${m.value}`));
  const fresh = ids.filter((i) => !known.has(`${i.kind}:${i.value}`));
  if (fresh.length) {
    await tx
      .insert(customerIdentities)
      .values(fresh.map((i) => ({ tenantId: ctx.tenantId, customerId: customerId as string, kind: i.kind, value: i.value })))
      .onConflictDoNothing();
  }
  return customerId;
}

/** Lookup by phone, e-mail, external id (exact, normalised) or name fragment: the agent's search box. */
export async function lookupCustomers(ctx: Ctx, q: string, limit: number): Promise<Customer[]> {
  const ids = identitiesOf({ email: q, phone: q, externalId: q });
  const byIdentity = ids.length
    ? await ctx.db
        .select({ id: customerIdentities.customerId })
        .from(customerIdentities)
        .where(and(eq(customerIdentities.tenantId, ctx.tenantId), or(...ids.map((i) => and(eq(customerIdentities.kind, i.kind), eq(customerIdentities.value, i.value))))))
        .limit(limit)
    : [];
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const byName = await ctx.db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), sql`${customers.name} ilike ${like}`))
    .limit(limit);
  const all = [...new Set([...byIdentity, ...byName].map((r) => r.id))].slice(0, limit);
  return loadCustomers(ctx.db, ctx.tenantId, all);
}
