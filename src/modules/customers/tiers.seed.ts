import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { createDefaultTiers, recomputeTiers } from './tiers.service.ts';
import { createSegment } from './segments.service.ts';

/**
 * Demo data: the default tiers (普通会员 / 贵宾 / 高级贵宾), one shared segment, and tiers worked out for
 * whatever demo customers and orders were seeded before this runs.
 */
export async function seedTiersAndSegments(ctx: Ctx): Promise<void> {
  await createDefaultTiers(ctx);
  await createSegment(ctx, {
    name: '贵宾·可短信联系 / VIPs reachable by SMS',
    description: '贵宾及高级贵宾中同意短信营销的客户 · VIP and senior VIP customers who accept SMS',
    shared: true,
    filter: { tiers: ['vip', 'senior_vip'], consents: ['sms'] },
  });
  await recomputeTiers(ctx, { reason: 'seed' });
}
