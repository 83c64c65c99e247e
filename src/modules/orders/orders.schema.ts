import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * A sale to a customer. Totals are kept on the row (fen); cancellations and refunds never edit the lines,
 * they add `order_adjustments` rows and raise `refunded_fen`, so the history of what was sold stays.
 * Net revenue of an order = total_fen − refunded_fen.
 */
export const orders = pgTable(
  'orders',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    /** Human-readable per-tenant number, e.g. O-2026-000123. */
    number: text('number').notNull(),
    /** The order id in the shop / ERP it came from; the upsert key of imports. */
    externalId: text('external_id'),
    customerId: uuid('customer_id').notNull(),
    /** online | offline_store | distributor */
    channel: text('channel').notNull(),
    store: text('store'),
    /** placed | partially_refunded | refunded | cancelled */
    status: text('status').notNull().default('placed'),
    currency: text('currency').notNull().default('CNY'),
    subtotalFen: bigint('subtotal_fen', { mode: 'number' }).notNull(),
    discountFen: bigint('discount_fen', { mode: 'number' }).notNull().default(0),
    totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
    /** Sum of line costs when every line's cost is known; null otherwise. */
    costFen: bigint('cost_fen', { mode: 'number' }),
    refundedFen: bigint('refunded_fen', { mode: 'number' }).notNull().default(0),
    /** The sale date (warranty starts from delivery when known, else from here). */
    orderedAt: timestamp('ordered_at', { withTimezone: true, precision: 3 }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, precision: 3 }),
    /** manual | import | api */
    source: text('source').notNull().default('manual'),
    note: text('note'),
    createdBy: uuid('created_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('orders_number_idx').on(t.tenantId, t.number),
    uniqueIndex('orders_external_idx').on(t.tenantId, t.externalId).where(sql`external_id is not null`),
    index('orders_customer_idx').on(t.tenantId, t.customerId, t.orderedAt),
    index('orders_ordered_at_idx').on(t.tenantId, t.orderedAt),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    tenantId: uuid('tenant_id').notNull(),
    orderId: uuid('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    productId: uuid('product_id').notNull(),
    /** Copied from the product at sale time: the catalogue may change later. */
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).notNull(),
    discountFen: bigint('discount_fen', { mode: 'number' }).notNull().default(0),
    /** quantity × unit price − discount, fen. */
    totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
    unitCostFen: bigint('unit_cost_fen', { mode: 'number' }),
    refundedQuantity: integer('refunded_quantity').notNull().default(0),
    /** Money refunded on this line by every adjustment (units and amounts), fen; Σ over lines = orders.refunded_fen. */
    refundedFen: bigint('refunded_fen', { mode: 'number' }).notNull().default(0),
    serialNumbers: text('serial_numbers').array().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.orderId, t.lineNo] }),
    index('order_items_product_idx').on(t.tenantId, t.productId),
    // serial look-ups (`serial_numbers @> array[…]`) without a scan. Serials only, no tenant_id prefix: in a
    // GIN index the tenant's entry lists every line of the tenant (300 ms at 3M lines); the few lines carrying
    // one serial are filtered by tenant after.
    index('order_items_serials_idx').using('gin', t.serialNumbers),
  ],
);

/** Cancellations and refunds (whole order or one line), kept as history; never deleted. */
export const orderAdjustments = pgTable(
  'order_adjustments',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    orderId: uuid('order_id').notNull(),
    /** cancel | refund | amount_refund */
    kind: text('kind').notNull(),
    /** null = the whole order */
    lineNo: integer('line_no'),
    quantity: integer('quantity'),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    actorId: uuid('actor_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('order_adjustments_order_idx').on(t.tenantId, t.orderId)],
);
