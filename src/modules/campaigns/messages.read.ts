import { and, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { rows, type Tx } from '../../platform/db/db.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { campaignMessages, campaigns } from './campaigns.schema.ts';
import { CampaignChannel, type CampaignMessage, type MessageStatus } from './campaigns.contract.ts';
import type { EngagementWindow } from '../customers/index.ts';

/** The columns a message's listing shows: not its body and HTML, which a page of 50 would carry for nothing. */
const listedColumns = {
  id: campaignMessages.id,
  campaignId: campaignMessages.campaignId,
  customerId: campaignMessages.customerId,
  occasionKey: campaignMessages.occasionKey,
  channel: campaignMessages.channel,
  status: campaignMessages.status,
  reason: campaignMessages.reason,
  toAddress: campaignMessages.toAddress,
  subject: campaignMessages.subject,
  attempts: campaignMessages.attempts,
  createdAt: campaignMessages.createdAt,
  sentAt: campaignMessages.sentAt,
  openedAt: campaignMessages.openedAt,
  clickedAt: campaignMessages.clickedAt,
};
type MessageRow = { [K in keyof typeof listedColumns]: (typeof campaignMessages.$inferSelect)[K] };

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

// built once per database: the customer 360 page reads it on every view (platform/db/prepared.ts)
const customerMessages = preparedPerDb((q) =>
  q
    .select({ m: listedColumns, name: campaigns.name })
    .from(campaignMessages)
    .innerJoin(campaigns, and(eq(campaigns.tenantId, campaignMessages.tenantId), eq(campaigns.id, campaignMessages.campaignId)))
    .where(and(eq(campaignMessages.tenantId, sql.placeholder('tenantId')), eq(campaignMessages.customerId, sql.placeholder('customerId'))))
    .orderBy(desc(campaignMessages.createdAt))
    .limit(sql.placeholder('limit'))
    .prepare('campaign_messages_of_customer'),
);

/** Campaign messages a customer received (or that were skipped for them), newest first: for the 360 page. */
export async function listCustomerMessages(ctx: Ctx, customerId: string, opts: { limit?: number } = {}): Promise<CampaignMessage[]> {
  const rs = await customerMessages(ctx.db).execute({ tenantId: ctx.tenantId, customerId, limit: Math.min(Math.max(opts.limit ?? 50, 1), 500) });
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

