import type { AdjustmentKind, OrderChannel, OrderStatus } from '../../../modules/orders/orders.contract.ts';

export const channelKeys: Record<OrderChannel, `orders.channel.${OrderChannel}`> = {
  online: 'orders.channel.online',
  offline_store: 'orders.channel.offline_store',
  distributor: 'orders.channel.distributor',
};
export const statusKeys: Record<OrderStatus, `orders.status.${OrderStatus}`> = {
  placed: 'orders.status.placed',
  partially_refunded: 'orders.status.partially_refunded',
  refunded: 'orders.status.refunded',
  cancelled: 'orders.status.cancelled',
};
export const adjustmentKindKeys: Record<AdjustmentKind, 'orders.kindCancel' | 'orders.kindRefund' | 'orders.kindAmountRefund'> = {
  cancel: 'orders.kindCancel',
  refund: 'orders.kindRefund',
  amount_refund: 'orders.kindAmountRefund',
};
export const statusColors: Record<OrderStatus, string> = { placed: 'blue', partially_refunded: 'orange', refunded: 'gray', cancelled: 'red' };

/** Today in the organisation's time zone, YYYY-MM-DD (the default sale date). */
export function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}
