// orders first, as the app loads them: orders.service reads `customers` at module load, and customers.service
// imports orders back, so entering through the customers module alone would meet a half-loaded orders module
import '../orders/index.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../../platform/db/test-db.ts';
import type { Database } from '../../platform/db/db.ts';
import { systemCtx, type Ctx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { customers } from './customers.schema.ts';
import { defaultTierDefinitions } from './tiers.contract.ts';
import { registerEngagementSource } from './tiers.engagement.ts';
import { previewTiers } from './tiers.service.ts';

/**
 * The engagement registry on its own: this file loads the customers module without the app (no jobs.ts),
 * so the campaigns module never registers its source here. A tenant that chose campaign clicks then simply
 * has no such engagement, until a source is registered; removing it again takes it away.
 */
let database: Database;
let ctx: Ctx;
let clicked: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const [tenant] = await database.db.insert(tenants).values({ slug: `t-${randomBytes(4).toString('hex')}`, name: 'Engagement' }).returning();
  ctx = systemCtx(database.db, tenant);
  const [a] = await database.db.insert(customers).values({ tenantId: tenant.id, name: '点击者' }).returning({ id: customers.id });
  await database.db.insert(customers).values({ tenantId: tenant.id, name: '旁观者' });
  clicked = a.id;
  // written by name only to give a registered source something to find; customers code never reads it
  await database.db.execute(sql`insert into campaign_messages (tenant_id, campaign_id, customer_id, occasion_key, channel, status, sent_at, clicked_at)
                                values (${tenant.id}, gen_random_uuid(), ${clicked}, 'promotion', 'email', 'sent', now(), now())`);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

const byEngagement = defaultTierDefinitions.map((d) => (d.code === 'vip' ? { ...d, minMonetaryFen: null, minFrequency: null, maxRecencyDays: null, minEngagement: 1 } : d));
const vipsWithClicks = async () =>
  (await previewTiers(ctx, { windowMonths: 12, engagementSources: ['campaign_clicks'], nightly: true, definitions: byEngagement })).tiers.find((t) => t.code === 'vip')?.proposed;

describe('engagement source registry', () => {
  it('without a registered source the chosen engagement is absent (no error, counts nothing)', async () => {
    expect(await vipsWithClicks()).toBe(0);
  });

  it('a registered source is embedded in the recompute statement; unregistering takes it out again', async () => {
    const unregister = registerEngagementSource(
      'campaign_clicks',
      (w) => sql`select customer_id from campaign_messages where tenant_id = ${w.tenantId} and clicked_at >= ${w.since}
                 ${w.customerIds ? sql`and customer_id in (${sql.join(w.customerIds.map((id) => sql`${id}::uuid`), sql`, `)})` : sql``}`,
    );
    try {
      expect(await vipsWithClicks()).toBe(1);
    } finally {
      unregister();
    }
    expect(await vipsWithClicks()).toBe(0);
  });
});
