import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { rows, type Tx } from '../../platform/db/db.ts';
import { AppError, notFound, versionConflict } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { customerAddresses, customerConsents, customerIdentities, customerNotes, customers, customerTierHistory } from './customers.schema.ts';
import { customerTierOverrides } from './tiers.schema.ts';
import { customerColumns, type CustomerRow } from './customers.service.ts';
import { customerMerged } from './customers.write.ts';

export interface MergeCounts {
  identities: number;
  addresses: number;
  consents: number;
  notes: number;
  tierHistory: number;
  contacts: number;
}

const n = (r: { n: number | string }[]) => Number(r[0]?.n ?? 0);

/**
 * The customers module's half of a merge, in the caller's transaction: everything this module keeps about
 * `fromId` moves to `intoId` (identities, addresses, consents, notes, tags, tier history, contacts of a
 * company), gaps in the survivor's profile are filled from the merged one, and `fromId` is kept as a
 * pointer (`merged_into_id`) so that old links and ids in other systems still resolve. Both rows are locked
 * in id order so that two merges of the same pair cannot deadlock; versions are checked when given.
 */
export async function mergeCustomerRecords(
  tx: Tx,
  ctx: Ctx,
  fromId: string,
  intoId: string,
  versions: { fromVersion?: number; intoVersion?: number } = {},
): Promise<{ from: CustomerRow; into: CustomerRow; counts: MergeCounts }> {
  if (fromId === intoId) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'mergeId', code: 'errors.merge_same' }] });
  const locked = await tx
    .select(customerColumns)
    .from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), inArray(customers.id, [fromId, intoId].sort())))
    .orderBy(customers.id)
    .for('update');
  const from = locked.find((r) => r.id === fromId);
  const into = locked.find((r) => r.id === intoId);
  if (!into) throw notFound();
  if (!from) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'mergeId', code: 'errors.not_found' }] });
  if (from.mergedIntoId || into.mergedIntoId) throw customerMerged();
  if (versions.intoVersion !== undefined && versions.intoVersion !== into.version) throw versionConflict('customer', into.version);
  if (versions.fromVersion !== undefined && versions.fromVersion !== from.version) throw versionConflict('customer', from.version);
  const t = ctx.tenantId;

  const identities = await tx
    .update(customerIdentities)
    .set({ customerId: intoId })
    .where(and(eq(customerIdentities.tenantId, t), eq(customerIdentities.customerId, fromId)))
    .returning({ kind: customerIdentities.kind });

  // the survivor's default address stays the default
  const [hasDefault] = await tx
    .select({ id: customerAddresses.id })
    .from(customerAddresses)
    .where(and(eq(customerAddresses.tenantId, t), eq(customerAddresses.customerId, intoId), eq(customerAddresses.isDefault, true)))
    .limit(1);
  const addresses = await tx
    .update(customerAddresses)
    .set(hasDefault ? { customerId: intoId, isDefault: false } : { customerId: intoId })
    .where(and(eq(customerAddresses.tenantId, t), eq(customerAddresses.customerId, fromId)))
    .returning({ id: customerAddresses.id });

  // one consent row per channel: the more recent decision wins (a later withdrawal must not be lost)
  await rows(
    tx,
    sql`delete from ${customerConsents} s using ${customerConsents} m
         where s.tenant_id = ${t} and m.tenant_id = ${t} and s.customer_id = ${intoId} and m.customer_id = ${fromId}
           and s.channel = m.channel and m.changed_at > s.changed_at`,
  );
  const consents = n(
    await rows<{ n: number }>(
      tx,
      sql`with moved as (
            update ${customerConsents} m set customer_id = ${intoId}
             where m.tenant_id = ${t} and m.customer_id = ${fromId}
               and not exists (select 1 from ${customerConsents} s where s.tenant_id = ${t} and s.customer_id = ${intoId} and s.channel = m.channel)
            returning 1)
          select count(*) as n from moved`,
    ),
  );
  await tx.delete(customerConsents).where(and(eq(customerConsents.tenantId, t), eq(customerConsents.customerId, fromId)));

  const notes = await tx.update(customerNotes).set({ customerId: intoId }).where(and(eq(customerNotes.tenantId, t), eq(customerNotes.customerId, fromId))).returning({ id: customerNotes.id });
  const tierHistory = await tx
    .update(customerTierHistory)
    .set({ customerId: intoId })
    .where(and(eq(customerTierHistory.tenantId, t), eq(customerTierHistory.customerId, fromId)))
    .returning({ id: customerTierHistory.id });
  // a manual tier of the merged customer applies to the survivor only if the survivor has none
  await rows(
    tx,
    sql`update ${customerTierOverrides} o set customer_id = ${intoId}
         where o.tenant_id = ${t} and o.customer_id = ${fromId}
           and not exists (select 1 from ${customerTierOverrides} s where s.tenant_id = ${t} and s.customer_id = ${intoId})`,
  );
  await tx.delete(customerTierOverrides).where(and(eq(customerTierOverrides.tenantId, t), eq(customerTierOverrides.customerId, fromId)));

  let contacts = 0;
  const fromContacts = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, t), eq(customers.companyId, fromId)));
  if (fromContacts.length) {
    if (into.kind !== 'company') throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'mergeId', code: 'errors.company_has_contacts' }] });
    contacts = (await tx.update(customers).set({ companyId: intoId }).where(and(eq(customers.tenantId, t), eq(customers.companyId, fromId))).returning({ id: customers.id })).length;
  }
  // customers merged into `from` earlier now point straight at the survivor: one hop always suffices
  await tx.update(customers).set({ mergedIntoId: intoId }).where(and(eq(customers.tenantId, t), eq(customers.mergedIntoId, fromId)));

  const prefs = { ...(from.preferences as Record<string, unknown>), ...(into.preferences as Record<string, unknown>) };
  await tx
    .update(customers)
    .set({
      tags: [...new Set([...into.tags, ...from.tags])],
      preferences: prefs,
      gender: into.gender === 'unknown' ? from.gender : into.gender,
      birthday: into.birthday ?? from.birthday,
      companyId: into.companyId ?? (into.kind === 'individual' && from.companyId !== intoId ? from.companyId : null),
      ownerId: into.ownerId ?? from.ownerId,
      dedicatedAgentId: into.dedicatedAgentId ?? from.dedicatedAgentId,
      version: sql`${customers.version} + 1`,
      updatedAt: new Date(),
    })
    .where(and(eq(customers.tenantId, t), eq(customers.id, intoId)));
  await tx
    .update(customers)
    .set({ mergedIntoId: intoId, searchVector: null, version: sql`${customers.version} + 1`, updatedAt: new Date() })
    .where(and(eq(customers.tenantId, t), eq(customers.id, fromId)));

  const counts = { identities: identities.length, addresses: addresses.length, consents, notes: notes.length, tierHistory: tierHistory.length, contacts };
  // the merged customer's own history records where it went; the survivor's event is written by the caller
  await writeAudit(tx, ctx, { action: 'merged_into', entityType: 'customer', entityId: fromId, before: from, after: { mergedIntoId: intoId, counts } });
  return { from, into, counts };
}
