import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../src/platform/db/test-db.ts';
import { rows, type Database } from '../src/platform/db/db.ts';
import { seedDemo, tenantIdBySlug } from './seed.lib.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 180_000);
afterAll(() => database?.close());

const counts = () =>
  rows<{ tenants: number; customers: number; orders: number; adjustments: number; history: number }>(
    database.db,
    sql`select (select count(*)::int from tenants) as tenants, (select count(*)::int from customers) as customers, (select count(*)::int from orders) as orders,
               (select count(*)::int from order_adjustments) as adjustments, (select count(*)::int from customer_tier_history) as history`,
  );

describe('demo seed', () => {
  it('puts the big spenders in their tiers by the RFM recompute (with history), once', async () => {
    expect(await seedDemo(database.db)).toBe(true);
    const demo = (await tenantIdBySlug(database.db, 'demo'))!;
    const tiers = await rows<{ name: string; tier: string; agent: string | null; orders: number; revenue: string; reasons: string }>(
      database.db,
      sql`select c.name, c.tier, u.email as agent, c.orders_count as orders, c.revenue_fen::text as revenue,
                 (select string_agg(h.reason || ':' || coalesce(h.from_tier, '') || '>' || h.to_tier, ',') from customer_tier_history h where h.tenant_id = c.tenant_id and h.customer_id = c.id) as reasons
            from customers c left join users u on u.tenant_id = c.tenant_id and u.id = c.dedicated_agent_id
           where c.tenant_id = ${demo} and c.tier <> 'regular' order by c.revenue_fen desc`,
    );
    expect(tiers).toEqual([
      { name: '张建国', tier: 'senior_vip', agent: 'agent@demo.example', orders: 5, revenue: '2978900', reasons: 'seed:regular>senior_vip' },
      { name: '刘芳', tier: 'vip', agent: null, orders: 2, revenue: '939800', reasons: 'seed:regular>vip' },
      { name: '周文涛', tier: 'vip', agent: null, orders: 2, revenue: '919700', reasons: 'seed:regular>vip' },
    ]);
    // the English demo organisation gets them too, under their pinyin names
    const small = (await tenantIdBySlug(database.db, 'small'))!;
    const en = await rows<{ name: string; tier: string }>(database.db, sql`select name, tier from customers where tenant_id = ${small} and tier <> 'regular' order by revenue_fen desc`);
    expect(en).toEqual([
      { name: 'Zhang Jianguo', tier: 'senior_vip' },
      { name: 'Liu Fang', tier: 'vip' },
      { name: 'Zhou Wentao', tier: 'vip' },
    ]);
    const kinds = await rows<{ kind: string; n: number }>(database.db, sql`select kind, count(*)::int as n from order_adjustments where tenant_id = ${demo} group by kind order by kind`);
    expect(kinds).toEqual([
      { kind: 'amount_refund', n: 1 },
      { kind: 'refund', n: 1 },
    ]);

    const before = await counts();
    expect(await seedDemo(database.db)).toBe(false);
    expect(await counts()).toEqual(before);
  }, 120_000);
});
