import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { notFound } from '../../platform/http/errors.ts';
import { customerAddresses, customerIdentities, customers } from './customers.schema.ts';
import { identitiesByCustomer, identitiesOf, type Identity } from './customers.service.ts';
import { findDuplicates } from './customers.write.ts';
import type { PossibleDuplicate } from './customers.contract.ts';

const sameNameLimit = 10;

function add(out: Map<string, PossibleDuplicate>, id: string, name: string, matched: Identity[], sameName: boolean) {
  const d = out.get(id) ?? { customerId: id, name, matched: [], sameName: false };
  for (const m of matched) if (!d.matched.some((x) => x.kind === m.kind && x.value === m.value)) d.matched.push(m);
  d.sameName ||= sameName;
  out.set(id, d);
}

/** The warning while a customer is being typed in: who already has this phone / e-mail / external id / name. */
export async function checkDuplicates(ctx: Ctx, q: { phone?: string; email?: string; externalId?: string; name?: string }): Promise<PossibleDuplicate[]> {
  const out = new Map<string, PossibleDuplicate>();
  for (const d of await findDuplicates(ctx.db, ctx.tenantId, identitiesOf(q))) add(out, d.customerId, d.name, d.matched, false);
  if (q.name) {
    const same = await ctx.db
      .select({ id: customers.id, name: customers.name })
      .from(customers)
      .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.name, q.name), isNull(customers.mergedIntoId)))
      .limit(sameNameLimit);
    for (const s of same) add(out, s.id, s.name, [], true);
  }
  return [...out.values()];
}

/**
 * Candidates for a merge of an existing customer. Identities cannot be shared (each belongs to one
 * customer), so the signals are the exact same name and a phone of one written in the other's addresses
 * (the same household or company entered twice).
 */
export async function possibleDuplicates(ctx: Ctx, id: string): Promise<PossibleDuplicate[]> {
  const [self] = await ctx.db.select({ id: customers.id, name: customers.name }).from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, id)));
  if (!self) throw notFound();
  const out = new Map<string, PossibleDuplicate>();
  const same = await ctx.db
    .select({ id: customers.id, name: customers.name })
    .from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.name, self.name), ne(customers.id, id), isNull(customers.mergedIntoId)))
    .limit(sameNameLimit);
  for (const s of same) add(out, s.id, s.name, [], true);

  const myPhones = (await identitiesByCustomer(ctx.db, ctx.tenantId, [id])).get(id)?.filter((i) => i.kind === 'phone').map((i) => i.value) ?? [];
  if (myPhones.length) {
    const theirAddresses = await ctx.db
      .select({ id: customers.id, name: customers.name, phone: customerAddresses.phone })
      .from(customerAddresses)
      .innerJoin(customers, and(eq(customers.tenantId, customerAddresses.tenantId), eq(customers.id, customerAddresses.customerId)))
      .where(and(eq(customerAddresses.tenantId, ctx.tenantId), inArray(customerAddresses.phone, myPhones), ne(customerAddresses.customerId, id), isNull(customers.mergedIntoId)))
      .limit(sameNameLimit);
    for (const a of theirAddresses) add(out, a.id, a.name, [{ kind: 'phone', value: a.phone as string }], false);
  }
  const myAddressPhones = (
    await ctx.db
      .select({ phone: customerAddresses.phone })
      .from(customerAddresses)
      .where(and(eq(customerAddresses.tenantId, ctx.tenantId), eq(customerAddresses.customerId, id)))
  )
    .map((a) => a.phone)
    .filter((p): p is string => !!p);
  if (myAddressPhones.length) {
    const owners = await ctx.db
      .select({ id: customers.id, name: customers.name, value: customerIdentities.value })
      .from(customerIdentities)
      .innerJoin(customers, and(eq(customers.tenantId, customerIdentities.tenantId), eq(customers.id, customerIdentities.customerId)))
      .where(and(eq(customerIdentities.tenantId, ctx.tenantId), eq(customerIdentities.kind, 'phone'), inArray(customerIdentities.value, myAddressPhones), ne(customerIdentities.customerId, id)))
      .limit(sameNameLimit);
    for (const o of owners) add(out, o.id, o.name, [{ kind: 'phone', value: o.value }], false);
  }
  return [...out.values()];
}
