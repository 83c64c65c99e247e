import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { notFound, versionConflict } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { customers } from '../customers/index.ts';
import { clvSettings as clvSettingsTable } from './clv.schema.ts';
import { clvDefinition, defaultClvSettings, predictedClv, purchasesPerYear, type ClvSettings, type CustomerClv, type UpdateClvSettings } from './clv.contract.ts';

/** The organisation's CLV assumptions; the defaults (version 0) until an admin saves them. */
export async function clvSettings(ctx: Pick<Ctx, 'db' | 'tenantId'>): Promise<ClvSettings> {
  const [row] = await ctx.db.select().from(clvSettingsTable).where(eq(clvSettingsTable.tenantId, ctx.tenantId));
  if (!row) return { ...defaultClvSettings, version: 0, updatedAt: null, definition: { ...clvDefinition } };
  return { expectedLifetimeYears: row.expectedLifetimeYears, marginRate: row.marginRate, currency: row.currency, version: row.version, updatedAt: row.updatedAt.toISOString(), definition: { ...clvDefinition } };
}

export async function updateClvSettings(ctx: Ctx, input: UpdateClvSettings): Promise<ClvSettings> {
  return ctx.tx(async (tx) => {
    const [current] = await tx.select().from(clvSettingsTable).where(eq(clvSettingsTable.tenantId, ctx.tenantId)).for('update');
    const currentVersion = current?.version ?? 0;
    if (currentVersion !== input.version) throw versionConflict('clv_settings', currentVersion);
    const values = { expectedLifetimeYears: input.expectedLifetimeYears, marginRate: input.marginRate, currency: input.currency, updatedAt: new Date() };
    if (current) {
      await tx
        .update(clvSettingsTable)
        .set({ ...values, version: sql`${clvSettingsTable.version} + 1` })
        .where(eq(clvSettingsTable.tenantId, ctx.tenantId));
    } else {
      // two first saves racing: the loser's insert does nothing and it gets the 409 below
      const inserted = await tx
        .insert(clvSettingsTable)
        .values({ tenantId: ctx.tenantId, ...values })
        .onConflictDoNothing()
        .returning({ v: clvSettingsTable.version });
      if (inserted.length === 0) throw versionConflict('clv_settings', 1);
    }
    const after = await clvSettings({ db: tx as unknown as Ctx['db'], tenantId: ctx.tenantId });
    await recordChange(tx, ctx, { action: 'updated', entityType: 'clv_settings', entityId: ctx.tenantId, before: current ?? null, after: { ...after, definition: undefined } });
    return after;
  });
}

/** Historical and predicted CLV of one customer, from the aggregates the orders keep on the customer. */
export async function customerClv(ctx: Ctx, customerId: string, now: Date = new Date()): Promise<CustomerClv> {
  const [c] = await ctx.db
    .select({ ordersCount: customers.ordersCount, revenueFen: customers.revenueFen, clvFen: customers.clvFen, firstOrderAt: customers.firstOrderAt })
    .from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, customerId)));
  if (!c) throw notFound();
  const settings = await clvSettings(ctx);
  return {
    customerId,
    ordersCount: c.ordersCount,
    revenueFen: c.revenueFen,
    historicalFen: c.clvFen,
    predictedFen: predictedClv(c, settings, now),
    averageOrderFen: c.ordersCount > 0 ? Math.round(c.revenueFen / c.ordersCount) : 0,
    purchasesPerYear: Math.round(purchasesPerYear(c, now) * 100) / 100,
    settings,
  };
}
