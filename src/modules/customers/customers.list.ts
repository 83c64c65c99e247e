import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { customerAddresses, customerIdentities, customers } from './customers.schema.ts';
import { customerColumns, customerIdsWithSerial, looksLikeSerial, identitiesOf, identityIn, nameQuery, withIdentities, type CustomerRow } from './customers.service.ts';
import type { CustomerListFilter, CustomerListItem, CustomerListQuery } from './customers.contract.ts';

/** The WHERE of the list and of its export; `q` matches a name, an identity or a serial number bought. */
function conditions(ctx: Ctx, f: CustomerListFilter): SQL[] {
  const conds: SQL[] = [eq(customers.tenantId, ctx.tenantId)];
  if (!f.includeMerged) conds.push(isNull(customers.mergedIntoId));
  if (f.kind) conds.push(eq(customers.kind, f.kind));
  if (f.tier?.length) conds.push(inArray(customers.tier, f.tier));
  if (f.tag) conds.push(sql`${f.tag} = any(${customers.tags})`);
  if (f.ownerId) conds.push(eq(customers.ownerId, f.ownerId));
  if (f.companyId) conds.push(eq(customers.companyId, f.companyId));
  if (f.province || f.city) {
    const addr: SQL[] = [sql`a.tenant_id = ${ctx.tenantId}`, sql`a.customer_id = ${customers.id}`];
    if (f.province) addr.push(sql`a.province = ${f.province}`);
    if (f.city) addr.push(sql`a.city = ${f.city}`);
    conds.push(sql`exists (select 1 from ${customerAddresses} a where ${sql.join(addr, sql` and `)})`);
  }
  if (f.q) {
    const ids = identitiesOf({ email: f.q, phone: f.q, externalId: f.q });
    const tsq = nameQuery(f.q);
    const alternatives: SQL[] = [];
    if (tsq) alternatives.push(sql`${customers.searchVector} @@ ${tsq}`);
    if (ids.length) {
      alternatives.push(
        sql`${customers.id} in (select ${customerIdentities.customerId} from ${customerIdentities} where ${customerIdentities.tenantId} = ${ctx.tenantId} and ${identityIn(ids)})`,
      );
    }
    if (looksLikeSerial(f.q)) alternatives.push(sql`${customers.id} in (${customerIdsWithSerial(ctx.tenantId, f.q)})`);
    // text that is neither a name, an identity nor a serial number matches nobody
    conds.push(alternatives.length ? sql`(${sql.join(alternatives, sql` or `)})` : sql`false`);
  }
  return conds;
}

/** Company names and default-address regions of a page of customers: two small keyed queries. */
async function decorate(q: Queryable, tenantId: string, rs: CustomerRow[]): Promise<CustomerListItem[]> {
  const withIds = await withIdentities(q, tenantId, rs);
  const companyIds = [...new Set(rs.map((r) => r.companyId).filter((x): x is string => !!x))];
  const companies = companyIds.length
    ? new Map((await q.select({ id: customers.id, name: customers.name }).from(customers).where(and(eq(customers.tenantId, tenantId), inArray(customers.id, companyIds)))).map((c) => [c.id, c.name]))
    : new Map<string, string>();
  const regions = new Map<string, string>();
  if (rs.length) {
    const addrs = await q
      .select({ customerId: customerAddresses.customerId, province: customerAddresses.province, city: customerAddresses.city, isDefault: customerAddresses.isDefault })
      .from(customerAddresses)
      .where(and(eq(customerAddresses.tenantId, tenantId), inArray(customerAddresses.customerId, rs.map((r) => r.id))));
    for (const a of addrs.sort((x, y) => Number(y.isDefault) - Number(x.isDefault))) {
      if (!regions.has(a.customerId)) regions.set(a.customerId, a.province === a.city ? a.city : `${a.province} ${a.city}`);
    }
  }
  return withIds.map((c) => ({ ...c, companyName: c.companyId ? (companies.get(c.companyId) ?? null) : null, region: regions.get(c.id) ?? null }));
}

/** One page in name order (the (tenant, name) index serves it), keyset by (name, id). */
async function pageRows(ctx: Ctx, conds: SQL[], after: (string | number)[] | undefined, limit: number) {
  const where = after ? [...conds, sql`(${customers.name}, ${customers.id}) > (${after[0]}, ${after[1]}::uuid)`] : conds;
  return ctx.db
    .select(customerColumns)
    .from(customers)
    .where(and(...where))
    .orderBy(asc(customers.name), asc(customers.id))
    .limit(limit);
}

export async function listCustomers(ctx: Ctx, q: CustomerListQuery): Promise<{ items: CustomerListItem[]; nextCursor: string | null }> {
  const conds = conditions(ctx, q);
  const rs = await pageRows(ctx, conds, decodeCursor(q.cursor, ['string', 'string']), q.limit + 1);
  const p = toPage(rs, q.limit, (r) => [r.name, r.id]);
  return { items: await decorate(ctx.db, ctx.tenantId, p.items), nextCursor: p.nextCursor };
}

/** The filtered list page by page for an export: memory stays flat however many customers match. */
export async function* customerExportPages(ctx: Ctx, f: CustomerListFilter, pageSize = 1000): AsyncGenerator<CustomerListItem[]> {
  const conds = conditions(ctx, f);
  let after: (string | number)[] | undefined;
  for (;;) {
    const rs = await pageRows(ctx, conds, after, pageSize);
    if (rs.length) yield await decorate(ctx.db, ctx.tenantId, rs);
    if (rs.length < pageSize) return;
    const last = rs[rs.length - 1];
    after = [last.name, last.id];
  }
}
