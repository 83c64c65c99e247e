import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { notFound, versionConflict } from '../../platform/http/errors.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { GenerationCache } from '../../platform/tenancy/config-generation.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { customers } from '../customers/index.ts';
import { clvSettings as clvSettingsTable } from './clv.schema.ts';
import { clvDefinition, defaultClvSettings, predictedClv, purchasesPerYear, type ClvSettings, type CustomerClv, type PurchaseSummary, type UpdateClvSettings } from './clv.contract.ts';

const settingsQuery = preparedPerDb((q) => q.select().from(clvSettingsTable).where(eq(clvSettingsTable.tenantId, sql.placeholder('tenantId'))).prepare('clv_settings_of_tenant'));

/**
 * The organisation's CLV assumptions; the defaults (version 0) until an admin saves them. Read from the table
 * on every call: the settings page and the save (inside its transaction) must see the row itself, and
 * customerClv uses the cached copy below when its caller has read the settings generation.
 */
export async function clvSettings(ctx: Pick<Ctx, 'db' | 'tenantId'>): Promise<ClvSettings> {
  const [row] = await settingsQuery(ctx.db).execute({ tenantId: ctx.tenantId });
  if (!row) return { ...defaultClvSettings, version: 0, updatedAt: null, definition: { ...clvDefinition } };
  return { expectedLifetimeYears: row.expectedLifetimeYears, marginRate: row.marginRate, currency: row.currency, version: row.version, updatedAt: row.updatedAt.toISOString(), definition: { ...clvDefinition } };
}

/**
 * The CLV assumptions per tenant, for one settings generation (writes to clv_settings move it on: migration
 * 0024 gives the table the trigger of 0022). They were a query on every customer 360 page; now they are read
 * again only after a change, by this process or any other writer.
 */
const settingsCache = new GenerationCache<ClvSettings>();

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

/** The purchase aggregates the orders keep on a customer (customers.orders_count, revenue_fen, clv_fen, first_order_at). */
export type CustomerPurchases = PurchaseSummary & { clvFen: number };

/**
 * Historical and predicted CLV of one customer, from the aggregates the orders keep on the customer. A caller
 * that has just read the customer in this tenant passes them as `known` and the customer is not read again.
 * A caller that has read the tenant's settings generation (configGenerationSql) in a statement of its own
 * passes it as `generation`: the settings then come from the cache and cost no query while they are unchanged.
 */
export async function customerClv(ctx: Ctx, customerId: string, now: Date = new Date(), known?: CustomerPurchases, generation?: number): Promise<CustomerClv> {
  const settingsP = generation === undefined ? clvSettings(ctx) : settingsCache.at(ctx.tenantId, generation, () => clvSettings(ctx));
  const [c, settings] = await Promise.all([known ?? purchasesOf(ctx, customerId), settingsP]);
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

async function purchasesOf(ctx: Ctx, customerId: string): Promise<CustomerPurchases> {
  const [c] = await ctx.db
    .select({ ordersCount: customers.ordersCount, revenueFen: customers.revenueFen, clvFen: customers.clvFen, firstOrderAt: customers.firstOrderAt })
    .from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, customerId)));
  if (!c) throw notFound();
  return c;
}
