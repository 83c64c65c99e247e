/**
 * A rough scale check of the set-based tier recompute (not a test, no assertions; the real figures come
 * from `npm run bench -- customers`). Makes its own database on TEST_DATABASE_URL (or in-memory PGlite),
 * fills it with N customers and 1.5 × N orders spread over two years, and times recompute and preview.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/tiers-scale-check.ts 1000000
 */
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../src/platform/db/test-db.ts';
import { tenants } from '../src/platform/tenancy/tenancy.schema.ts';
import { systemCtx } from '../src/platform/tenancy/ctx.ts';
import { previewTiers, recomputeTiers } from '../src/modules/customers/index.ts';
import { defaultTierDefinitions } from '../src/modules/customers/tiers.contract.ts';

const n = Number(process.argv[2] ?? 100_000);
const database = await createTestDatabase();
try {
  const db = database.db;
  const [tenant] = await db.insert(tenants).values({ slug: 'scale', name: 'Scale check' }).returning();
  const ctx = systemCtx(db, tenant);
  let t0 = Date.now();
  await db.execute(sql`insert into customers (tenant_id, name) select ${tenant.id}, '客户' || g from generate_series(1, ${n}) g`);
  await db.execute(sql`
    with c as (select id, row_number() over () as rn from customers where tenant_id = ${tenant.id})
    insert into orders (tenant_id, number, customer_id, channel, subtotal_fen, total_fen, refunded_fen, status, ordered_at)
    select ${tenant.id}, 'O-' || g, c.id, 'online', f, f, case when g % 20 = 0 then f else 0 end,
           case when g % 20 = 0 then 'cancelled' else 'placed' end, now() - (g % 730) * interval '1 day'
      from generate_series(1::bigint, ${Math.round(n * 1.5)}::bigint) g
      cross join lateral (select (1 + (g * 7919) % ${n})::bigint as rn, (10000 + (g * 104729) % 1500000)::bigint as f) x
      join c on c.rn = x.rn`);
  await db.execute(sql`analyze customers; analyze orders`);
  console.log(`data: ${n} customers, ${Math.round(n * 1.5)} orders in ${Date.now() - t0} ms (${database.kind})`);
  t0 = Date.now();
  const first = await recomputeTiers(ctx, { reason: 'recompute' });
  console.log('first recompute', first, `${Date.now() - t0} ms`);
  t0 = Date.now();
  const second = await recomputeTiers(ctx, { reason: 'rfm_nightly' });
  console.log('second recompute (nothing changes)', second, `${Date.now() - t0} ms`);
  t0 = Date.now();
  const preview = await previewTiers(ctx, { definitions: defaultTierDefinitions.map((d) => (d.code === 'vip' ? { ...d, minMonetaryFen: 300_000 } : d)) });
  console.log('preview', preview, `${Date.now() - t0} ms`);
} finally {
  await database.close();
}
