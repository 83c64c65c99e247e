import { z } from 'zod';
import { PageQuery } from '../../platform/http/pagination.contract.ts';
import { ExportFormat } from '../../platform/export/export.contract.ts';

/** Stored codes; the UI calls `online` "online shop". */
export const OrderChannel = z.enum(['online', 'offline_store', 'distributor']);
export type OrderChannel = z.infer<typeof OrderChannel>;
export const OrderStatus = z.enum(['placed', 'partially_refunded', 'refunded', 'cancelled']);
export type OrderStatus = z.infer<typeof OrderStatus>;
/** `refund`: units (goods back) or the rest of the order; `amount_refund`: money only, goods stay (价保 / 退差价 / goodwill). */
export const AdjustmentKind = z.enum(['cancel', 'refund', 'amount_refund']);
export type AdjustmentKind = z.infer<typeof AdjustmentKind>;
export const OrderSource = z.enum(['manual', 'import', 'api']);

/**
 * Status changes, as data. A cancel voids a sale nothing of which was refunded yet (it refunds everything);
 * afterwards only refunds remain possible. `refunded` and `cancelled` are final: net revenue is 0.
 * A refund of either kind leads to `refunded` when afterwards every unit is refunded or the whole order
 * amount is back with the customer (refundedFen = totalFen > 0), else to `partially_refunded`. So an amount
 * refund of the full price ends the order even though the goods stay with the customer: nothing is left
 * to refund, and goods coming back later are a return, not an order adjustment.
 */
export const orderTransitions: Record<OrderStatus, OrderStatus[]> = {
  placed: ['partially_refunded', 'refunded', 'cancelled'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  cancelled: [],
};
export const canTransition = (from: OrderStatus, to: OrderStatus) => orderTransitions[from].includes(to);

const Fen = z.number().int().min(0).max(1_000_000_000_00);
const DateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const CreateOrderItem = z.object({
  productId: z.string().uuid(),
  quantity: z.number().int().min(1).max(100_000),
  /** default: the product's current price */
  unitPriceFen: Fen.optional(),
  /** discount on the whole line, fen; at most quantity × unit price */
  discountFen: Fen.default(0),
  /** serial-tracked products only; when given, exactly one per unit */
  serialNumbers: z.array(z.string().trim().min(1).max(100)).max(1000).default([]),
});
export type CreateOrderItem = z.input<typeof CreateOrderItem>;

export const CreateOrder = z.object({
  customerId: z.string().uuid(),
  channel: OrderChannel,
  store: z.string().trim().max(200).nullable().optional(),
  /** sale date: YYYY-MM-DD (midnight in the organisation's time zone) or an ISO date-time */
  orderedAt: DateOrDateTime,
  deliveredAt: DateOrDateTime.nullable().optional(),
  /** the id in the shop / ERP; a repeat with the same id updates that order's header instead of adding one */
  externalId: z.string().trim().min(1).max(200).nullable().optional(),
  note: z.string().trim().max(2000).nullable().optional(),
  items: z.array(CreateOrderItem).min(1).max(200),
});
export type CreateOrder = z.input<typeof CreateOrder>;
export type CreateOrderParsed = z.infer<typeof CreateOrder>;

export const UpdateOrder = z.object({
  version: z.number().int().positive(),
  channel: OrderChannel.optional(),
  store: z.string().trim().max(200).nullable().optional(),
  deliveredAt: DateOrDateTime.nullable().optional(),
  note: z.string().trim().max(2000).nullable().optional(),
  /** record serial numbers of serial-tracked lines after the sale (one per unit) */
  serials: z.array(z.object({ lineNo: z.number().int().min(1), serialNumbers: CreateOrderItem.shape.serialNumbers })).max(200).optional(),
});
export type UpdateOrder = z.infer<typeof UpdateOrder>;

export const CancelOrder = z.object({ version: z.number().int().positive(), reason: z.string().trim().min(1).max(500) });
export type CancelOrder = z.infer<typeof CancelOrder>;

/**
 * By units — without lineNo: the rest of the whole order; with lineNo: `quantity` units of that line (default
 * all left). By amount — `amountFen` (not with `quantity`): money back without goods (price protection,
 * goodwill), for one line or, without lineNo, for the order (spread over its lines in proportion to what each
 * has left, largest remainder first). Capped by what is still refundable: the line's or the order's total
 * minus everything any adjustment refunded already. Refunded quantities do not change.
 */
export const RefundOrder = z
  .object({
    version: z.number().int().positive(),
    lineNo: z.number().int().min(1).optional(),
    quantity: z.number().int().min(1).optional(),
    amountFen: z.number().int().min(1).max(1e15).optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .superRefine((v, ctx) => {
    if (v.amountFen !== undefined && v.quantity !== undefined) ctx.addIssue({ code: 'custom', path: ['amountFen'], message: 'amountFen excludes quantity', params: { code: 'errors.refund_amount_with_quantity' } });
  });
export type RefundOrder = z.infer<typeof RefundOrder>;

export const OrderItem = z.object({
  lineNo: z.number().int(),
  productId: z.string().uuid(),
  sku: z.string(),
  name: z.string(),
  model: z.string().nullable(),
  quantity: z.number().int(),
  unitPriceFen: z.number().int(),
  discountFen: z.number().int(),
  totalFen: z.number().int(),
  unitCostFen: z.number().int().nullable(),
  refundedQuantity: z.number().int(),
  /** money refunded on this line by every adjustment: units and amounts */
  refundedFen: z.number().int(),
  serialTracked: z.boolean(),
  serialNumbers: z.array(z.string()),
  /** from the product: the effective warranty, months; it runs from delivery (else the sale date) */
  warrantyMonths: z.number().int(),
});
export type OrderItem = z.infer<typeof OrderItem>;

export const OrderAdjustment = z.object({
  id: z.string().uuid(),
  kind: AdjustmentKind,
  lineNo: z.number().int().nullable(),
  quantity: z.number().int().nullable(),
  amountFen: z.number().int(),
  reason: z.string(),
  actorId: z.string().uuid().nullable(),
  createdAt: z.string(),
});
export type OrderAdjustment = z.infer<typeof OrderAdjustment>;

export const Order = z.object({
  id: z.string().uuid(),
  number: z.string(),
  externalId: z.string().nullable(),
  customerId: z.string().uuid(),
  customerName: z.string().nullable(),
  channel: OrderChannel,
  store: z.string().nullable(),
  status: OrderStatus,
  currency: z.string(),
  subtotalFen: z.number().int(),
  discountFen: z.number().int(),
  totalFen: z.number().int(),
  /** sum of line costs when every line's cost is known, else null */
  costFen: z.number().int().nullable(),
  refundedFen: z.number().int(),
  /** total − refunded */
  netFen: z.number().int(),
  orderedAt: z.string(),
  deliveredAt: z.string().nullable(),
  source: OrderSource,
  note: z.string().nullable(),
  createdBy: z.string().uuid().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Order = z.infer<typeof Order>;

export const OrderWithItems = Order.extend({ items: z.array(OrderItem) });
export type OrderWithItems = z.infer<typeof OrderWithItems>;
export const OrderDetail = OrderWithItems.extend({ adjustments: z.array(OrderAdjustment) });
export type OrderDetail = z.infer<typeof OrderDetail>;

export const OrderFilters = z.object({
  customerId: z.string().uuid().optional(),
  channel: OrderChannel.optional(),
  store: z.string().trim().max(200).optional(),
  status: OrderStatus.optional(),
  productId: z.string().uuid().optional(),
  /** sale date from (inclusive), YYYY-MM-DD in the organisation's time zone */
  from: z.iso.date().optional(),
  /** sale date to (inclusive) */
  to: z.iso.date().optional(),
  /** order number or external id */
  q: z.string().trim().max(200).optional(),
  /** orders with a line carrying this serial number (exact) */
  serial: z.string().trim().min(1).max(100).optional(),
});
export type OrderFilters = z.infer<typeof OrderFilters>;
export const OrderListQuery = PageQuery.extend(OrderFilters.shape);
export type OrderListQuery = z.infer<typeof OrderListQuery>;
export const OrderExportQuery = OrderFilters.extend({ format: ExportFormat.default('csv') });

/**
 * Money a unit refund returns: the units' share of what is still refundable on the line,
 * floor(left × units ÷ units not refunded yet), the last units taking all that is left. Without earlier
 * amount refunds this is pro rata of the line total; after a price protection the returned units give back
 * their share of the reduced price. A fully refunded line has refunded exactly its total. The server and the
 * refund dialog's preview use this one function (BigInt: totals up to 10^16 fen stay exact).
 */
export function unitRefundFen(line: { quantity: number; refundedQuantity: number; totalFen: number; refundedFen: number }, units: number): number {
  const unitsLeft = line.quantity - line.refundedQuantity;
  const left = Math.max(0, line.totalFen - line.refundedFen);
  if (units <= 0 || unitsLeft <= 0) return 0;
  if (units >= unitsLeft) return left;
  return Number((BigInt(left) * BigInt(units)) / BigInt(unitsLeft));
}

/** What an amount refund may still return on a line. */
export const lineRefundableFen = (line: { totalFen: number; refundedFen: number }) => Math.max(0, line.totalFen - line.refundedFen);

/**
 * Spreads an order-level amount over the lines in proportion to what each has left (largest remainder
 * method, ties to the lower line number), so no line gets more than it has left when amount ≤ Σ left.
 */
export function spreadAmount(lines: { lineNo: number; leftFen: number }[], amountFen: number): { lineNo: number; amountFen: number }[] {
  const open = lines.filter((l) => l.leftFen > 0);
  const total = BigInt(open.reduce((s, l) => s + l.leftFen, 0));
  if (total === 0n) return [];
  const amount = BigInt(amountFen);
  const parts = open.map((l) => ({ lineNo: l.lineNo, base: (amount * BigInt(l.leftFen)) / total, rest: (amount * BigInt(l.leftFen)) % total }));
  let short = amount - parts.reduce((s, p) => s + p.base, 0n);
  for (const p of [...parts].sort((a, b) => (b.rest === a.rest ? a.lineNo - b.lineNo : b.rest > a.rest ? 1 : -1))) {
    if (short === 0n) break;
    p.base += 1n;
    short -= 1n;
  }
  return parts.filter((p) => p.base > 0n).map((p) => ({ lineNo: p.lineNo, amountFen: Number(p.base) }));
}

/** Line arithmetic (also the UI's live totals): quantity × unit price − discount. */
export function lineTotals(lines: { quantity: number; unitPriceFen: number; discountFen: number }[]) {
  const subtotalFen = lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
  const discountFen = lines.reduce((s, l) => s + l.discountFen, 0);
  return { subtotalFen, discountFen, totalFen: subtotalFen - discountFen };
}
