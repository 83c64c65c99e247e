import { eq, sql } from 'drizzle-orm';
import type { Db } from '../src/platform/db/db.ts';
import { tenants } from '../src/platform/tenancy/tenancy.schema.ts';
import { users } from '../src/platform/auth/auth.schema.ts';
import { teams, teamMembers } from '../src/platform/teams/teams.schema.ts';
import { hashPassword } from '../src/platform/auth/password.ts';
import { joinTx, systemCtx } from '../src/platform/tenancy/ctx.ts';
import { writeAudit } from '../src/platform/audit/audit.ts';
import { demoTenants, DEMO_PASSWORD } from './demo-data.ts';
import { createCnStandard } from '../src/platform/calendar/calendar.service.ts';
import { createDefaultPolicies } from '../src/modules/sla/index.ts';
import { createDefaultFieldDefs } from '../src/modules/tickets/custom-fields.service.ts';
import { ensureDefaultMailSettings } from '../src/modules/channels/index.ts';
import { seedDemoCustomers, seedTiersAndSegments } from '../src/modules/customers/index.ts';
import { seedCampaigns } from '../src/modules/campaigns/index.ts';
import { seedCatalogAndOrders } from '../src/modules/orders/index.ts';

/** Creates the demo tenants, users and teams; returns false (and does nothing) when any tenant exists. */
export async function seedDemo(db: Db): Promise<boolean> {
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(tenants)) as { n: number }[];
  if (n > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    for (const demo of demoTenants) {
      const [tenant] = await tx
        .insert(tenants)
        .values({ slug: demo.slug, name: demo.name, timeZone: demo.timeZone, defaultLocale: demo.defaultLocale })
        .returning();
      const ctx = systemCtx(db, tenant);
      const inserted = await tx
        .insert(users)
        .values(demo.users.map((u) => ({ tenantId: tenant.id, email: u.email, name: u.name, roles: u.roles, locale: u.locale, passwordHash })))
        .returning();
      const idByEmail = new Map(inserted.map((u) => [u.email, u.id]));
      for (const t of demo.teams) {
        const [team] = await tx.insert(teams).values({ tenantId: tenant.id, name: t.name, description: t.description }).returning();
        await tx.insert(teamMembers).values(t.members.map((email) => ({ tenantId: tenant.id, teamId: team.id, userId: idByEmail.get(email) as string })));
      }
      await writeAudit(tx, ctx, { action: 'seeded', entityType: 'tenant', entityId: tenant.id, after: { name: demo.name, users: inserted.length } });
      await createCnStandard(joinTx(ctx, tx));
      await createDefaultPolicies(joinTx(ctx, tx));
      await createDefaultFieldDefs(joinTx(ctx, tx));
      await ensureDefaultMailSettings(joinTx(ctx, tx));
      await seedCampaigns(joinTx(ctx, tx));
      await seedDemoCustomers(joinTx(ctx, tx));
      await seedCatalogAndOrders(joinTx(ctx, tx));
      // after the demo customers and orders, so they start in their RFM tiers
      await seedTiersAndSegments(joinTx(ctx, tx));
    }
  });
  return true;
}

export async function tenantIdBySlug(db: Db, slug: string): Promise<string | undefined> {
  const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  return row?.id;
}
