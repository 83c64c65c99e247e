import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { rows, type Queryable, type Tx } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/errors.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { searchQuery, searchVector } from '../../platform/search/search.ts';
import { customerIdentities, customers } from './customers.schema.ts';
import { normaliseEmail, normalisePhone } from './phone.ts';
import type { Customer, IdentityKind } from './customers.contract.ts';

export interface ContactDetails {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** `system:id`, e.g. `wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M` */
  externalId?: string | null;
}

export type Identity = { kind: IdentityKind; value: string };

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

/** Every column but the search vector, which is written for the index and never read back. */
export const customerColumns = {
  id: customers.id,
  kind: customers.kind,
  name: customers.name,
  tier: customers.tier,
  dedicatedAgentId: customers.dedicatedAgentId,
  companyId: customers.companyId,
  gender: customers.gender,
  birthday: customers.birthday,
  language: customers.language,
  preferences: customers.preferences,
  tags: customers.tags,
  ownerId: customers.ownerId,
  source: customers.source,
  mergedIntoId: customers.mergedIntoId,
  ordersCount: customers.ordersCount,
  revenueFen: customers.revenueFen,
  clvFen: customers.clvFen,
  firstOrderAt: customers.firstOrderAt,
  lastOrderAt: customers.lastOrderAt,
  version: customers.version,
  createdAt: customers.createdAt,
  updatedAt: customers.updatedAt,
};
export type CustomerRow = Omit<typeof customers.$inferSelect, 'tenantId' | 'searchVector' | 'tierChangedAt'>;

export function toCustomer(r: CustomerRow, identities: Identity[]): Customer {
  return {
    id: r.id,
    kind: r.kind as Customer['kind'],
    name: r.name,
    tier: r.tier,
    dedicatedAgentId: r.dedicatedAgentId,
    companyId: r.companyId,
    gender: r.gender as Customer['gender'],
    birthday: r.birthday,
    language: r.language as Customer['language'],
    preferences: (r.preferences ?? {}) as Customer['preferences'],
    tags: r.tags,
    ownerId: r.ownerId,
    source: r.source,
    mergedIntoId: r.mergedIntoId,
    ordersCount: r.ordersCount,
    revenueFen: Number(r.revenueFen),
    clvFen: Number(r.clvFen),
    firstOrderAt: r.firstOrderAt?.toISOString() ?? null,
    lastOrderAt: r.lastOrderAt?.toISOString() ?? null,
    identities,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Identities of many customers in one query, grouped by customer. */
export async function identitiesByCustomer(q: Queryable, tenantId: string, ids: string[]): Promise<Map<string, Identity[]>> {
  const out = new Map<string, Identity[]>();
  if (ids.length === 0) return out;
  const rs = await q
    .select({ customerId: customerIdentities.customerId, kind: customerIdentities.kind, value: customerIdentities.value })
    .from(customerIdentities)
    .where(and(eq(customerIdentities.tenantId, tenantId), inArray(customerIdentities.customerId, ids)))
    .orderBy(customerIdentities.kind, customerIdentities.createdAt);
  for (const r of rs) {
    const list = out.get(r.customerId) ?? [];
    list.push({ kind: r.kind as IdentityKind, value: r.value });
    out.set(r.customerId, list);
  }
  return out;
}

export async function withIdentities(q: Queryable, tenantId: string, rs: CustomerRow[]): Promise<Customer[]> {
  const idents = await identitiesByCustomer(q, tenantId, rs.map((r) => r.id));
  return rs.map((r) => toCustomer(r, idents.get(r.id) ?? []));
}

async function loadCustomers(q: Queryable, tenantId: string, ids: string[]): Promise<Customer[]> {
  if (ids.length === 0) return [];
  const rs = await q.select(customerColumns).from(customers).where(and(eq(customers.tenantId, tenantId), inArray(customers.id, ids)));
  const byId = new Map((await withIdentities(q, tenantId, rs)).map((c) => [c.id, c]));
  // in the order asked for (lookup ranks identity matches first)
  return ids.map((id) => byId.get(id)).filter((c): c is Customer => !!c);
}

/** The row locked for an update (404 for unknown ids and other tenants' ids). */
export async function lockCustomer(tx: Tx, tenantId: string, id: string): Promise<CustomerRow | undefined> {
  const [r] = await tx.select(customerColumns).from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, id))).for('update');
  return r;
}

/** A merged customer's row stays so that old links resolve; this gives the id that now holds its data. */
export async function survivorOf(q: Queryable, tenantId: string, id: string): Promise<string | null> {
  const [r] = await q.select({ id: customers.id, mergedIntoId: customers.mergedIntoId }).from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)));
  if (!r) return null;
  return r.mergedIntoId ?? r.id;
}

/**
 * getCustomer's read: the row and its identities (as a JSON array, in the order identitiesByCustomer gives
 * them) in one statement, built once per database handle (preparedPerDb). The customer 360 page and every
 * customer page start with it, and the identities were a second round trip after the row. Equalities on
 * the primary key and the identities' (tenant_id, customer_id) index, so one plan fits every value.
 */
// (the outer columns are written out: in a one-table select drizzle prints a column in a field's SQL
// unqualified, and inside the sub-select "tenant_id" would name the identity's own column)
const customerById = preparedPerDb((q) =>
  q
    .select({
      ...customerColumns,
      identities: sql<Identity[]>`coalesce((select json_agg(json_build_object('kind', i.kind, 'value', i.value) order by i.kind, i.created_at)
        from ${customerIdentities} i where i.tenant_id = customers.tenant_id and i.customer_id = customers.id), '[]'::json)`,
    })
    .from(customers)
    .where(and(eq(customers.tenantId, sql.placeholder('tenantId')), eq(customers.id, sql.placeholder('id'))))
    .prepare('customer_by_id'),
);

export async function getCustomer(ctx: Ctx, id: string): Promise<Customer> {
  const [r] = await customerById(ctx.db).execute({ tenantId: ctx.tenantId, id });
  if (!r) throw notFound();
  // the array is a fresh parse per read, so the customer may keep it
  return toCustomer(r, r.identities);
}

export async function getCustomers(q: Queryable, tenantId: string, ids: string[]): Promise<Customer[]> {
  return loadCustomers(q, tenantId, [...new Set(ids)]);
}

/** The name index: CJK bigrams + English words, rewritten whenever the name changes. */
export const nameSearchVector = (name: string) => searchVector(name, 'A');

/**
 * Sub-query of the customers who bought a unit with this serial number (any of their orders, cancelled or
 * refunded ones too: an agent reading the number off an appliance wants every owner it had). Exact match,
 * served by order_items_serials_idx. The orders module imports this one, so its tables are named here
 * rather than imported back (the modules would load each other).
 */
export function customerIdsWithSerial(tenantId: string, serial: string): SQL {
  // MATERIALIZED: under a LIMIT the planner guessed that many lines match and walked all customers probing
  // each one's orders for the serial (minutes at a million customers); this way the GIN index finds the
  // few lines first and the orders are joined by primary key.
  return sql`with s as materialized (select i.order_id from order_items i where i.tenant_id = ${tenantId} and i.serial_numbers @> array[${serial}]::text[])
             select o.customer_id from orders o join s on o.id = s.order_id where o.tenant_id = ${tenantId}`;
}

/**
 * The name search of a lookup, or null for text with no letter in it (a phone number, a number off a card):
 * no customer is named by digits alone (one created from a phone number has it as an identity too), and at a
 * million customers such a search became a scan of every customer's name vector. PostgreSQL estimates a
 * lexeme it has no statistics for as common, chooses to read customers in order until 20 match, and none
 * ever does (300 ms; 0.1 ms through the name index).
 */
export const nameQuery = (q: string): SQL | null => (/\p{L}/u.test(q) ? searchQuery(q) : null);

/** What a serial number looks like: one token of letters, digits and - _ / . (not a name, not a sentence). */
export const looksLikeSerial = (q: string): boolean => /^[A-Za-z0-9][A-Za-z0-9_./-]{3,63}$/.test(q);

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
    const short = name.slice(0, 200);
    const [row] = await tx.insert(customers).values({ tenantId: ctx.tenantId, name: short, searchVector: nameSearchVector(short) }).returning({ id: customers.id });
    await recordChange(tx, ctx, { action: 'created', entityType: 'customer', entityId: row.id, after: { name, identities: [] } });
    return row.id;
  }
  const match = await tx
    .select({ customerId: customerIdentities.customerId, kind: customerIdentities.kind, value: customerIdentities.value })
    .from(customerIdentities)
    .where(and(eq(customerIdentities.tenantId, ctx.tenantId), identityIn(ids)));
  let customerId = match[0]?.customerId;
  if (!customerId) {
    const name = (details.name?.trim() || ids[0].value).slice(0, 200);
    const [row] = await tx.insert(customers).values({ tenantId: ctx.tenantId, name, searchVector: nameSearchVector(name) }).returning({ id: customers.id });
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

/** `(kind, value) in (…)` over the identity primary key. */
export function identityIn(ids: Identity[]): SQL {
  return or(...ids.map((i) => and(eq(customerIdentities.kind, i.kind), eq(customerIdentities.value, i.value)))) as SQL;
}

/**
 * Lookup by phone, e-mail, external id (exact, normalised) or name fragment: the agent's search box.
 * Names go through the search vector, so two Chinese characters find 张伟 among a million customers by index.
 */
export async function lookupCustomers(ctx: Ctx, q: string, limit: number): Promise<Customer[]> {
  const ids = identitiesOf({ email: q, phone: q, externalId: q });
  const byIdentity = ids.length
    ? await ctx.db
        .select({ id: customerIdentities.customerId })
        .from(customerIdentities)
        .where(and(eq(customerIdentities.tenantId, ctx.tenantId), identityIn(ids)))
        .limit(limit)
    : [];
  // a phone number, or an e-mail or member id that found its customer, is not looked for among names as well
  const tsq = byIdentity.length === 0 ? nameQuery(q) : null;
  const byName = tsq
    ? await ctx.db
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.tenantId, ctx.tenantId), isNull(customers.mergedIntoId), sql`${customers.searchVector} @@ ${tsq}`))
        // no ranking: a common fragment matches thousands, and ranking them all costs more than the lookup
        .limit(limit)
    : [];
  // the serial number of a unit they bought: what a caller reads off the appliance's nameplate
  // (orders move to the survivor on a merge, so these are live customers)
  // a phone number or e-mail that found its customer is not read as a serial number as well
  const bySerial = byIdentity.length === 0 && looksLikeSerial(q) ? await rows<{ id: string }>(ctx.db, sql`select distinct x.customer_id as id from (${customerIdsWithSerial(ctx.tenantId, q)}) x limit ${limit}`) : [];
  const all = [...new Set([...byIdentity, ...bySerial, ...byName].map((r) => r.id))].slice(0, limit);
  return loadCustomers(ctx.db, ctx.tenantId, all);
}
