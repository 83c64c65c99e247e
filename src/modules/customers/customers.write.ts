import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { AppError, notFound, type FieldError } from '../../platform/http/errors.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { customerAddresses, customerConsents, customerIdentities, customerNotes, customers, customerTierHistory } from './customers.schema.ts';
import { customerTierOverrides } from './tiers.schema.ts';
import { normaliseEmail, normaliseExternalId, normalisePhone } from './phone.ts';
import { getCustomers, identityIn, lockCustomer, nameSearchVector, type CustomerRow, type Identity } from './customers.service.ts';
import type { CreateCustomer, Customer, DuplicateMatch, IdentityInput, UpdateCustomer } from './customers.contract.ts';

/** 409 with the customers that already hold an identity of the input (and which one). */
export class DuplicateCustomerError extends AppError {
  constructor(readonly duplicates: DuplicateMatch[], fieldErrors: FieldError[]) {
    super(409, 'duplicate_customer', { name: duplicates[0]?.name ?? '' }, { fieldErrors });
  }
}

export const customerMerged = () => new AppError(409, 'customer_merged');

/** The customers (other than `exceptId`) that hold any of these identities, with the identities they share. */
export async function findDuplicates(q: Queryable, tenantId: string, ids: Identity[], exceptId?: string): Promise<DuplicateMatch[]> {
  if (ids.length === 0) return [];
  const rs = await q
    .select({ customerId: customerIdentities.customerId, kind: customerIdentities.kind, value: customerIdentities.value, name: customers.name })
    .from(customerIdentities)
    .innerJoin(customers, and(eq(customers.tenantId, customerIdentities.tenantId), eq(customers.id, customerIdentities.customerId)))
    .where(and(eq(customerIdentities.tenantId, tenantId), identityIn(ids)));
  const out = new Map<string, DuplicateMatch>();
  for (const r of rs) {
    if (r.customerId === exceptId) continue;
    const m = out.get(r.customerId) ?? { customerId: r.customerId, name: r.name, matched: [] };
    m.matched.push({ kind: r.kind as Identity['kind'], value: r.value });
    out.set(r.customerId, m);
  }
  return [...out.values()];
}

/** Identities given as lists of raw phones/e-mails/external ids, normalised; unusable ones become field errors. */
function normaliseIdentities(input: { phones?: string[]; emails?: string[]; externalIds?: string[] }, errors: FieldError[]) {
  const ids: (Identity & { path: string })[] = [];
  const lists = [
    ['phones', 'phone', normalisePhone, 'invalid_phone'],
    ['emails', 'email', normaliseEmail, 'invalid_email'],
    ['externalIds', 'external', normaliseExternalId, 'invalid_external_id'],
  ] as const;
  for (const [field, kind, norm, code] of lists) {
    (input[field] ?? []).forEach((raw, i) => {
      const value = norm(raw);
      if (!value) errors.push({ path: `${field}.${i}`, code: `errors.${code}` });
      else if (!ids.some((x) => x.kind === kind && x.value === value)) ids.push({ kind, value, path: `${field}.${i}` });
    });
  }
  return ids;
}

function checkBirthday(birthday: string | null | undefined, errors: FieldError[]) {
  if (!birthday) return;
  const today = new Date().toISOString().slice(0, 10);
  if (birthday > today || birthday < '1900-01-01') errors.push({ path: 'birthday', code: 'errors.invalid_birthday' });
}

/** References to users and to the company must point into this tenant (and the company must be one). */
async function checkRefs(q: Queryable, ctx: Ctx, f: { kind?: string; companyId?: string | null; ownerId?: string | null; dedicatedAgentId?: string | null }, selfId: string | null, errors: FieldError[]) {
  const userIds = [f.ownerId, f.dedicatedAgentId].filter((x): x is string => !!x);
  if (userIds.length) {
    const found = new Set((await q.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), inArray(users.id, userIds)))).map((u) => u.id));
    if (f.ownerId && !found.has(f.ownerId)) errors.push({ path: 'ownerId', code: 'errors.not_found' });
    if (f.dedicatedAgentId && !found.has(f.dedicatedAgentId)) errors.push({ path: 'dedicatedAgentId', code: 'errors.not_found' });
  }
  if (f.companyId) {
    if (f.kind === 'company') errors.push({ path: 'companyId', code: 'errors.company_cannot_have_company' });
    else if (f.companyId === selfId) errors.push({ path: 'companyId', code: 'errors.not_a_company' });
    else {
      const [c] = await q.select({ kind: customers.kind, mergedIntoId: customers.mergedIntoId }).from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, f.companyId)));
      if (!c) errors.push({ path: 'companyId', code: 'errors.not_found' });
      else if (c.kind !== 'company' || c.mergedIntoId) errors.push({ path: 'companyId', code: 'errors.not_a_company' });
    }
  }
}

function throwIfAny(errors: FieldError[]) {
  if (errors.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: errors });
}

function duplicateError(dups: DuplicateMatch[], ids: (Identity & { path: string })[]) {
  const taken = dups.flatMap((d) => d.matched.map((m) => ({ ...m, name: d.name })));
  const fieldErrors = ids.flatMap((i) => {
    const t = taken.find((x) => x.kind === i.kind && x.value === i.value);
    return t ? [{ path: i.path, code: 'errors.identity_taken', params: { name: t.name } }] : [];
  });
  return new DuplicateCustomerError(dups, fieldErrors);
}

export interface Created {
  customer: Customer;
  created: boolean;
}

/** Creates a customer with its identities, addresses, consents and first note, after the duplicate check. */
export async function createCustomer(ctx: Ctx, input: CreateCustomer): Promise<Created> {
  const errors: FieldError[] = [];
  let ids = normaliseIdentities(input, errors);
  checkBirthday(input.birthday, errors);
  input.addresses.forEach((a, i) => a.phone && !normalisePhone(a.phone) && errors.push({ path: `addresses.${i}.phone`, code: 'errors.invalid_phone' }));
  const channels = input.consents.map((c) => c.channel);
  if (new Set(channels).size !== channels.length) errors.push({ path: 'consents', code: 'errors.consent_channel_twice' });
  await checkRefs(ctx.db, ctx, input, null, errors);
  throwIfAny(errors);
  return ctx.tx(async (tx) => {
    const dups = await findDuplicates(tx, ctx.tenantId, ids);
    if (dups.length && input.onDuplicate === 'reject') throw duplicateError(dups, ids);
    if (dups.length && input.onDuplicate === 'use_existing') return { customer: (await getCustomers(tx, ctx.tenantId, [dups[0].customerId]))[0], created: false };
    const taken = new Set(dups.flatMap((d) => d.matched.map((m) => `${m.kind}:${m.value}`)));
    ids = ids.filter((i) => !taken.has(`${i.kind}:${i.value}`));
    const [row] = await tx
      .insert(customers)
      .values({
        tenantId: ctx.tenantId,
        kind: input.kind,
        name: input.name,
        companyId: input.companyId ?? null,
        gender: input.gender,
        birthday: input.birthday ?? null,
        language: input.language,
        preferences: input.preferences,
        tags: [...new Set(input.tags)],
        ownerId: input.ownerId ?? null,
        dedicatedAgentId: input.dedicatedAgentId ?? null,
        source: input.source,
        searchVector: nameSearchVector(input.name),
      })
      .returning({ id: customers.id });
    if (ids.length) {
      const inserted = await tx
        .insert(customerIdentities)
        .values(ids.map((i) => ({ tenantId: ctx.tenantId, customerId: row.id, kind: i.kind, value: i.value })))
        .onConflictDoNothing()
        .returning({ kind: customerIdentities.kind });
      // a concurrent create took one of them between the check and the insert: same answer as the check
      if (inserted.length !== ids.length) throw duplicateError(await findDuplicates(tx, ctx.tenantId, ids, row.id), ids);
    }
    if (input.addresses.length) {
      const firstDefault = input.addresses.findIndex((a) => a.isDefault);
      await tx.insert(customerAddresses).values(
        input.addresses.map((a, i) => ({
          tenantId: ctx.tenantId,
          customerId: row.id,
          ...a,
          phone: a.phone ? normalisePhone(a.phone) : null,
          isDefault: i === Math.max(0, firstDefault),
        })),
      );
    }
    if (input.consents.length) {
      await tx.insert(customerConsents).values(input.consents.map((c) => ({ tenantId: ctx.tenantId, customerId: row.id, channel: c.channel, granted: c.granted, source: c.source })));
    }
    if (input.note) await tx.insert(customerNotes).values({ tenantId: ctx.tenantId, customerId: row.id, authorId: ctx.actor.userId, body: input.note });
    const [customer] = await getCustomers(tx, ctx.tenantId, [row.id]);
    await recordChange(tx, ctx, { action: 'created', entityType: 'customer', entityId: row.id, after: { ...customer, addresses: input.addresses, consents: input.consents } });
    return { customer, created: true };
  });
}

const profileKeys = ['kind', 'name', 'companyId', 'gender', 'birthday', 'language', 'preferences', 'tags', 'ownerId', 'dedicatedAgentId'] as const;

/** Profile changes with optimistic concurrency; the name index is rewritten with the name. */
export async function updateCustomer(ctx: Ctx, id: string, input: UpdateCustomer): Promise<Customer> {
  return ctx.tx(async (tx) => {
    const current = checkVersion(await lockCustomer(tx, ctx.tenantId, id), input.version, 'customer');
    if (current.mergedIntoId) throw customerMerged();
    const errors: FieldError[] = [];
    checkBirthday(input.birthday, errors);
    const kind = input.kind ?? current.kind;
    const companyId = input.companyId === undefined ? current.companyId : input.companyId;
    await checkRefs(tx, ctx, { kind, companyId, ownerId: input.ownerId, dedicatedAgentId: input.dedicatedAgentId }, id, errors);
    if (kind === 'individual' && current.kind === 'company') {
      const [contact] = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.companyId, id))).limit(1);
      if (contact) errors.push({ path: 'kind', code: 'errors.company_has_contacts' });
    }
    throwIfAny(errors);
    const changes: Partial<Record<(typeof profileKeys)[number], unknown>> = {};
    const before: Record<string, unknown> = {};
    for (const k of profileKeys) {
      const v = k === 'tags' && input.tags ? [...new Set(input.tags)] : input[k];
      if (v === undefined || JSON.stringify(v) === JSON.stringify(current[k as keyof CustomerRow] ?? null)) continue;
      changes[k] = v;
      before[k] = current[k as keyof CustomerRow];
    }
    if (Object.keys(changes).length === 0) return (await getCustomers(tx, ctx.tenantId, [id]))[0];
    await tx
      .update(customers)
      .set({ ...(changes as Partial<typeof customers.$inferInsert>), ...(input.name && changes.name ? { searchVector: nameSearchVector(input.name) } : {}), version: sql`${customers.version} + 1`, updatedAt: new Date() })
      .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, id)));
    await recordChange(tx, ctx, { action: 'updated', entityType: 'customer', entityId: id, before, after: changes });
    return (await getCustomers(tx, ctx.tenantId, [id]))[0];
  });
}

/** Locks a live (not merged) customer for a change to one of its parts, and bumps its version. */
export async function touchCustomer(tx: Tx, ctx: Ctx, id: string): Promise<CustomerRow> {
  const row = await lockCustomer(tx, ctx.tenantId, id);
  if (!row) throw notFound();
  if (row.mergedIntoId) throw customerMerged();
  await tx
    .update(customers)
    .set({ version: sql`${customers.version} + 1`, updatedAt: new Date() })
    .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, id)));
  return row;
}

const identityField = { phone: 'phones', email: 'emails', external: 'externalIds' } as const;

export async function addIdentity(ctx: Ctx, id: string, input: IdentityInput): Promise<Customer> {
  const errors: FieldError[] = [];
  const [ident] = normaliseIdentities({ [identityField[input.kind]]: [input.value] }, errors);
  if (errors.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'value', code: errors[0].code }] });
  return ctx.tx(async (tx) => {
    await touchCustomer(tx, ctx, id);
    const dups = await findDuplicates(tx, ctx.tenantId, [ident], id);
    if (dups.length) throw duplicateError(dups, [{ ...ident, path: 'value' }]);
    await tx.insert(customerIdentities).values({ tenantId: ctx.tenantId, customerId: id, kind: ident.kind, value: ident.value }).onConflictDoNothing();
    await recordChange(tx, ctx, { action: 'identity_added', entityType: 'customer', entityId: id, after: { kind: ident.kind, value: ident.value } });
    return (await getCustomers(tx, ctx.tenantId, [id]))[0];
  });
}

export async function removeIdentity(ctx: Ctx, id: string, kind: Identity['kind'], value: string): Promise<Customer> {
  return ctx.tx(async (tx) => {
    await touchCustomer(tx, ctx, id);
    const gone = await tx
      .delete(customerIdentities)
      .where(and(eq(customerIdentities.tenantId, ctx.tenantId), eq(customerIdentities.customerId, id), eq(customerIdentities.kind, kind), eq(customerIdentities.value, value)))
      .returning({ value: customerIdentities.value });
    if (gone.length === 0) throw notFound();
    await recordChange(tx, ctx, { action: 'identity_removed', entityType: 'customer', entityId: id, before: { kind, value } });
    return (await getCustomers(tx, ctx.tenantId, [id]))[0];
  });
}

/**
 * Deletes a customer entered by mistake, with its identities, addresses, consents, notes and tier rows.
 * The caller (customer360) first makes sure no other module refers to it; here the customers module's own
 * references are checked: contacts of a company and customers merged into it keep it.
 */
export async function deleteCustomerRecords(tx: Tx, ctx: Ctx, id: string, version: number): Promise<void> {
  const row = checkVersion(await lockCustomer(tx, ctx.tenantId, id), version, 'customer');
  const t = ctx.tenantId;
  const [ref] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.tenantId, t), sql`(${customers.companyId} = ${id} or ${customers.mergedIntoId} = ${id})`))
    .limit(1);
  if (ref) throw new AppError(409, 'customer_in_use');
  await tx.delete(customerIdentities).where(and(eq(customerIdentities.tenantId, t), eq(customerIdentities.customerId, id)));
  await tx.delete(customerAddresses).where(and(eq(customerAddresses.tenantId, t), eq(customerAddresses.customerId, id)));
  await tx.delete(customerConsents).where(and(eq(customerConsents.tenantId, t), eq(customerConsents.customerId, id)));
  await tx.delete(customerNotes).where(and(eq(customerNotes.tenantId, t), eq(customerNotes.customerId, id)));
  await tx.delete(customerTierHistory).where(and(eq(customerTierHistory.tenantId, t), eq(customerTierHistory.customerId, id)));
  await tx.delete(customerTierOverrides).where(and(eq(customerTierOverrides.tenantId, t), eq(customerTierOverrides.customerId, id)));
  await tx.delete(customers).where(and(eq(customers.tenantId, t), eq(customers.id, id)));
  await recordChange(tx, ctx, { action: 'deleted', entityType: 'customer', entityId: id, before: row });
}
