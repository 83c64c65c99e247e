import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { getCustomers, mergeCustomerRecords, recomputeTiers } from '../customers/index.ts';
import { reassignCustomer as reassignOrders } from '../orders/index.ts';
import { reassignCustomer as reassignTickets } from '../tickets/index.ts';
import { reassignCustomer as reassignCampaigns } from '../campaigns/index.ts';
import type { MergeCustomers, MergeResult } from './customer360.contract.ts';

/**
 * Merges `input.mergeId` into `intoId` in ONE transaction: the customers module moves its own rows
 * (identities, addresses, consents, notes, tags, tier history), every other module moves its rows through
 * its `reassignCustomer`, the survivor's purchase aggregates and tier are recomputed, and the merge is kept
 * as history: an audit row on each customer and a `customer.merged` event. If any step fails nothing moves.
 * The merged customer's row stays with `merged_into_id`, so its old id keeps resolving to the survivor.
 */
export async function mergeCustomers(ctx: Ctx, intoId: string, input: MergeCustomers): Promise<MergeResult> {
  return ctx.tx(async (tx) => {
    const { from, counts } = await mergeCustomerRecords(tx, ctx, input.mergeId, intoId, { intoVersion: input.version, fromVersion: input.mergeVersion });
    const orders = await reassignOrders(tx, ctx, input.mergeId, intoId);
    const tickets = await reassignTickets(tx, ctx, input.mergeId, intoId);
    const campaignMessages = await reassignCampaigns(tx, ctx, input.mergeId, intoId);
    // the survivor now has both purchase histories: its RFM tier may change (kept in tier history, reason 'merge')
    await recomputeTiers(joinTx(ctx, tx), { customerIds: [intoId], reason: 'merge' });
    const moved = { ...counts, orders, tickets, campaignMessages };
    await recordChange(tx, ctx, {
      action: 'merged',
      entityType: 'customer',
      entityId: intoId,
      before: { mergedCustomer: from },
      after: { customerId: intoId, mergedId: from.id, mergedName: from.name, moved },
    });
    const [customer] = await getCustomers(tx, ctx.tenantId, [intoId]);
    return { customer, moved };
  });
}
