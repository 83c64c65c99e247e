import { and, desc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { customerAddresses, customerConsents, customerNotes } from './customers.schema.ts';
import { normalisePhone } from './phone.ts';
import { touchCustomer } from './customers.write.ts';
import { changeConsent } from './customers.consent.ts';
import type { Address, AddressInput, Consent, ConsentInput, Note } from './customers.contract.ts';

type AddressRow = typeof customerAddresses.$inferSelect;
const toAddress = (a: AddressRow): Address => ({
  id: a.id,
  label: a.label,
  recipient: a.recipient,
  phone: a.phone,
  province: a.province,
  city: a.city,
  district: a.district,
  street: a.street,
  postalCode: a.postalCode,
  isDefault: a.isDefault,
  createdAt: a.createdAt.toISOString(),
});

// The three reads of the customer 360 page, built once per database handle (preparedPerDb): equalities on
// (tenant_id, customer_id), which the tables' indexes serve whatever the values.
const addressesQuery = preparedPerDb((q) =>
  q
    .select()
    .from(customerAddresses)
    .where(and(eq(customerAddresses.tenantId, sql.placeholder('tenantId')), eq(customerAddresses.customerId, sql.placeholder('customerId'))))
    .orderBy(desc(customerAddresses.isDefault), customerAddresses.createdAt)
    .prepare('customer_addresses_of_customer'),
);
const consentsQuery = preparedPerDb((q) =>
  q
    .select()
    .from(customerConsents)
    .where(and(eq(customerConsents.tenantId, sql.placeholder('tenantId')), eq(customerConsents.customerId, sql.placeholder('customerId'))))
    .orderBy(customerConsents.channel)
    .prepare('customer_consents_of_customer'),
);
const notesQuery = preparedPerDb((q) =>
  q
    .select({ id: customerNotes.id, body: customerNotes.body, authorId: customerNotes.authorId, authorName: users.name, createdAt: customerNotes.createdAt })
    .from(customerNotes)
    .leftJoin(users, and(eq(users.tenantId, customerNotes.tenantId), eq(users.id, customerNotes.authorId)))
    .where(and(eq(customerNotes.tenantId, sql.placeholder('tenantId')), eq(customerNotes.customerId, sql.placeholder('customerId'))))
    .orderBy(desc(customerNotes.createdAt))
    .limit(sql.placeholder('limit'))
    .prepare('customer_notes_of_customer'),
);

export async function addressesOf(q: Queryable, tenantId: string, customerId: string): Promise<Address[]> {
  const rs = await addressesQuery(q).execute({ tenantId, customerId });
  return rs.map(toAddress);
}

export async function consentsOf(q: Queryable, tenantId: string, customerId: string): Promise<Consent[]> {
  const rs = await consentsQuery(q).execute({ tenantId, customerId });
  return rs.map((c) => ({ channel: c.channel as Consent['channel'], granted: c.granted, source: c.source, changedAt: c.changedAt.toISOString() }));
}

export async function notesOf(q: Queryable, tenantId: string, customerId: string, limit = 100): Promise<Note[]> {
  const rs = await notesQuery(q).execute({ tenantId, customerId, limit });
  return rs.map((n) => ({ ...n, createdAt: n.createdAt.toISOString() }));
}

function addressPhone(input: { phone?: string | null }): string | null {
  if (!input.phone) return null;
  const p = normalisePhone(input.phone);
  if (!p) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'phone', code: 'errors.invalid_phone' }] });
  return p;
}

/** One default address per customer: setting one clears the others. */
async function clearDefault(tx: Tx, ctx: Ctx, customerId: string) {
  await tx
    .update(customerAddresses)
    .set({ isDefault: false })
    .where(and(eq(customerAddresses.tenantId, ctx.tenantId), eq(customerAddresses.customerId, customerId), eq(customerAddresses.isDefault, true)));
}

export async function addAddress(ctx: Ctx, customerId: string, input: AddressInput): Promise<Address> {
  const phone = addressPhone(input);
  return ctx.tx(async (tx) => {
    await touchCustomer(tx, ctx, customerId);
    const [{ n }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(customerAddresses)
      .where(and(eq(customerAddresses.tenantId, ctx.tenantId), eq(customerAddresses.customerId, customerId)));
    const isDefault = input.isDefault || Number(n) === 0;
    if (isDefault) await clearDefault(tx, ctx, customerId);
    const [row] = await tx.insert(customerAddresses).values({ tenantId: ctx.tenantId, customerId, ...input, phone, isDefault }).returning();
    await recordChange(tx, ctx, { action: 'address_added', entityType: 'customer', entityId: customerId, after: toAddress(row) });
    return toAddress(row);
  });
}

export async function updateAddress(ctx: Ctx, customerId: string, addressId: string, input: AddressInput): Promise<Address> {
  const phone = addressPhone(input);
  return ctx.tx(async (tx) => {
    await touchCustomer(tx, ctx, customerId);
    const where = and(eq(customerAddresses.tenantId, ctx.tenantId), eq(customerAddresses.customerId, customerId), eq(customerAddresses.id, addressId));
    const [before] = await tx.select().from(customerAddresses).where(where);
    if (!before) throw notFound();
    if (input.isDefault) await clearDefault(tx, ctx, customerId);
    const [row] = await tx
      .update(customerAddresses)
      .set({ ...input, phone, isDefault: input.isDefault || before.isDefault })
      .where(where)
      .returning();
    await recordChange(tx, ctx, { action: 'address_updated', entityType: 'customer', entityId: customerId, before: toAddress(before), after: toAddress(row) });
    return toAddress(row);
  });
}

export async function removeAddress(ctx: Ctx, customerId: string, addressId: string): Promise<void> {
  await ctx.tx(async (tx) => {
    await touchCustomer(tx, ctx, customerId);
    const [gone] = await tx
      .delete(customerAddresses)
      .where(and(eq(customerAddresses.tenantId, ctx.tenantId), eq(customerAddresses.customerId, customerId), eq(customerAddresses.id, addressId)))
      .returning();
    if (!gone) throw notFound();
    await recordChange(tx, ctx, { action: 'address_removed', entityType: 'customer', entityId: customerId, before: toAddress(gone) });
  });
}

/**
 * Marketing consent for one channel, with where it came from and when. The change history lives in the
 * audit log (before/after); the row holds the current state that campaigns check.
 */
export async function setConsent(ctx: Ctx, customerId: string, input: ConsentInput): Promise<Consent[]> {
  return ctx.tx(async (tx) => {
    await changeConsent(tx, ctx, customerId, input);
    return consentsOf(tx, ctx.tenantId, customerId);
  });
}

export async function addNote(ctx: Ctx, customerId: string, body: string): Promise<Note> {
  return ctx.tx(async (tx) => {
    await touchCustomer(tx, ctx, customerId);
    const [row] = await tx.insert(customerNotes).values({ tenantId: ctx.tenantId, customerId, authorId: ctx.actor.userId, body }).returning();
    await recordChange(tx, ctx, { action: 'note_added', entityType: 'customer', entityId: customerId, after: { id: row.id, body } });
    return { id: row.id, body: row.body, authorId: row.authorId, authorName: ctx.actor.name, createdAt: row.createdAt.toISOString() };
  });
}

export async function removeNote(ctx: Ctx, customerId: string, noteId: string): Promise<void> {
  await ctx.tx(async (tx) => {
    await touchCustomer(tx, ctx, customerId);
    const [gone] = await tx
      .delete(customerNotes)
      .where(and(eq(customerNotes.tenantId, ctx.tenantId), eq(customerNotes.customerId, customerId), eq(customerNotes.id, noteId)))
      .returning();
    if (!gone) throw notFound();
    await recordChange(tx, ctx, { action: 'note_removed', entityType: 'customer', entityId: customerId, before: { id: gone.id, body: gone.body } });
  });
}
