import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';
import { AppError } from '../../platform/http/errors.ts';
import { deleteCustomerRecords } from '../customers/index.ts';
import { listCustomerOrders } from '../orders/index.ts';
import { tickets } from '../tickets/index.ts';
import { listCustomerCallTasks, listCustomerMessages } from '../campaigns/index.ts';

/**
 * Deletes a customer entered by mistake. A customer that any module refers to (orders, tickets, campaign
 * messages, call tasks) is history and is kept: merge it into the right customer instead (409).
 */
export async function deleteCustomer(ctx: Ctx, id: string, version: number): Promise<void> {
  await ctx.tx(async (tx) => {
    const inTx = joinTx(ctx, tx);
    const [ticket] = await tx.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.tenantId, ctx.tenantId), eq(tickets.customerId, id))).limit(1);
    const [order] = await listCustomerOrders(inTx, id, { limit: 1 });
    const [message] = await listCustomerMessages(inTx, id, { limit: 1 });
    const [task] = await listCustomerCallTasks(inTx, id);
    if (ticket || order || message || task) throw new AppError(409, 'customer_in_use');
    await deleteCustomerRecords(tx, ctx, id, version);
  });
}
