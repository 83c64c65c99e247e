import { eq, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../db/db.ts';
import type { Ctx } from './ctx.ts';
import { checkVersion } from '../db/concurrency.ts';
import { notFound } from '../http/errors.ts';
import { recordChange } from '../outbox/outbox.ts';
import { counters, tenants } from './tenancy.schema.ts';
import { forgetPrincipals } from '../auth/principal.ts';
import type { TenantSettings, UpdateTenantSettings } from './settings.contract.ts';
import type { Locale } from '../i18n/i18n.contract.ts';

type TenantRow = typeof tenants.$inferSelect;

export function toSettings(r: TenantRow): TenantSettings {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    timeZone: r.timeZone,
    defaultLocale: r.defaultLocale as Locale,
    logo: r.logo,
    version: r.version,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function findTenantBySlug(db: Db, slug: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(sql`lower(${tenants.slug}) = lower(${slug})`);
  return row;
}

export async function listTenants(db: Db): Promise<TenantRow[]> {
  return db.select().from(tenants).orderBy(tenants.createdAt);
}

export async function getSettings(ctx: Ctx): Promise<TenantSettings> {
  const [row] = await ctx.db.select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!row) throw notFound();
  return toSettings(row);
}

export async function updateSettings(ctx: Ctx, input: UpdateTenantSettings): Promise<TenantSettings> {
  const updated = await ctx.tx(async (tx) => {
    const [current] = await tx.select().from(tenants).where(eq(tenants.id, ctx.tenantId)).for('update');
    checkVersion(current, input.version, 'settings');
    const { version: _v, ...patch } = input;
    const [row] = await tx
      .update(tenants)
      .set({ ...patch, version: sql`${tenants.version} + 1`, updatedAt: new Date() })
      .where(eq(tenants.id, ctx.tenantId))
      .returning();
    const after = toSettings(row);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'settings', entityId: ctx.tenantId, before: toSettings(current), after });
    return after;
  });
  forgetPrincipals(ctx.tenantId); // principals carry the tenant's name, logo, time zone and language
  return updated;
}

/** Next value of a per-tenant counter (T-2026-000123 style numbers); serialised by the row lock. */
export async function nextNumber(tx: Queryable, tenantId: string, name: string): Promise<number> {
  const [row] = await tx
    .insert(counters)
    .values({ tenantId, name, value: 1 })
    .onConflictDoUpdate({ target: [counters.tenantId, counters.name], set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  return row.value;
}
