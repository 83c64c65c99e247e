import { and, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { rows, type Tx } from '../../platform/db/db.ts';
import { campaignMessages, campaigns } from './campaigns.schema.ts';
import { CampaignChannel, type CampaignMessage, type MessageStatus } from './campaigns.contract.ts';
import type { EngagementWindow } from '../customers/index.ts';

type MessageRow = typeof campaignMessages.$inferSelect;

export function toMessage(m: MessageRow, campaignName: string, customerName: string | null): CampaignMessage {
  return {
    id: m.id,
    campaignId: m.campaignId,
    campaignName,
    customerId: m.customerId,
    customerName,
    occasionKey: m.occasionKey,
    channel: CampaignChannel.options.includes(m.channel as CampaignChannel) ? (m.channel as CampaignChannel) : 'email',
    status: m.status as MessageStatus,
    reason: m.reason,
    toAddress: m.toAddress,
    subject: m.subject,
    attempts: m.attempts,
    createdAt: m.createdAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
    openedAt: m.openedAt?.toISOString() ?? null,
    clickedAt: m.clickedAt?.toISOString() ?? null,
  };
}

/** Campaign messages a customer received (or that were skipped for them), newest first: for the 360 page. */
export async function listCustomerMessages(ctx: Ctx, customerId: string, opts: { limit?: number } = {}): Promise<CampaignMessage[]> {
  const rs = await ctx.db
    .select({ m: campaignMessages, name: campaigns.name })
    .from(campaignMessages)
    .innerJoin(campaigns, and(eq(campaigns.tenantId, campaignMessages.tenantId), eq(campaigns.id, campaignMessages.campaignId)))
    .where(and(eq(campaignMessages.tenantId, ctx.tenantId), eq(campaignMessages.customerId, customerId)))
    .orderBy(desc(campaignMessages.createdAt))
    .limit(Math.min(Math.max(opts.limit ?? 50, 1), 500));
  return rs.map((r) => toMessage(r.m, r.name, null));
}

/** Tier engagement ("campaign_clicks"): one row per message the customer clicked in the window. */
export function clickedMessages(w: EngagementWindow): SQL {
  const m = campaignMessages;
  const only = w.customerIds ? inArray(m.customerId, [...w.customerIds]) : undefined;
  return sql`select ${m.customerId} as customer_id from ${m} where ${and(eq(m.tenantId, w.tenantId), gte(m.clickedAt, w.since), only) as SQL}`;
}

/**
 * Customer merge: messages and call tasks move to the surviving customer, in the caller's transaction. Where
 * both customers already have a row for the same campaign and occasion, the moved one gets a suffix so the
 * unique key holds and no history is lost (the survivor was greeted; the merged one's log stays visible).
 */
export async function reassignCustomer(tx: Tx, ctx: Ctx, fromId: string, intoId: string): Promise<number> {
  if (fromId === intoId) return 0;
  let moved = 0;
  for (const table of ['campaign_messages', 'call_tasks'] as const) {
    const t = sql.raw(table);
    const r = await rows<{ n: number | string }>(
      tx,
      sql`with u as (
            update ${t} as x
               set customer_id = ${intoId},
                   occasion_key = case when exists (select 1 from ${t} y where y.tenant_id = x.tenant_id and y.campaign_id = x.campaign_id
                                                       and y.customer_id = ${intoId} and y.occasion_key = x.occasion_key)
                                       then x.occasion_key || ':merged:' || ${fromId} else x.occasion_key end
             where x.tenant_id = ${ctx.tenantId} and x.customer_id = ${fromId}
            returning 1)
          select count(*) as n from u`,
    );
    moved += Number(r[0]?.n ?? 0);
  }
  return moved;
}

