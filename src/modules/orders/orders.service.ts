import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { AppError, fieldError, notFound, type FieldError } from '../../platform/http/errors.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { emitEvent } from '../../platform/outbox/outbox.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { nextNumber } from '../../platform/tenancy/tenancy.service.ts';
import { customers, getCustomers } from '../customers/index.ts';
import { effectiveWarranty, productCategories, products, productsByIds, type Product } from '../catalog/index.ts';
import { orderAdjustments, orderItems, orders } from './orders.schema.ts';
import { refreshCustomerAggregates } from './aggregates.ts';
import { serialClashes } from './serials.ts';
import {
  CreateOrder as CreateOrderSchema,
  lineTotals,
  type CreateOrder,
  type CreateOrderParsed,
  type Order,
  type OrderAdjustment,
  type OrderDetail,
  type OrderFilters,
  type OrderItem,
  type OrderListQuery,
  type OrderWithItems,
  type UpdateOrder,
} from './orders.contract.ts';

export type OrderRow = typeof orders.$inferSelect;
type ItemRow = typeof orderItems.$inferSelect;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** YYYY-MM-DD is a day in the organisation's time zone (its midnight); a full ISO date-time is taken as is. */
export function parseSaleDate(value: string, timeZone: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: timeZone }).startOf('day').toJSDate() : new Date(value);
}

export function toOrder(r: OrderRow, customerName: string | null): Order {
  return {
    id: r.id,
    number: r.number,
    externalId: r.externalId,
    customerId: r.customerId,
    customerName,
    channel: r.channel as Order['channel'],
    store: r.store,
    status: r.status as Order['status'],
    currency: r.currency,
    subtotalFen: r.subtotalFen,
    discountFen: r.discountFen,
    totalFen: r.totalFen,
    costFen: r.costFen,
    refundedFen: r.refundedFen,
    netFen: r.totalFen - r.refundedFen,
    orderedAt: r.orderedAt.toISOString(),
    deliveredAt: iso(r.deliveredAt),
    source: r.source as Order['source'],
    note: r.note,
    createdBy: r.createdBy,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toItem(r: ItemRow, product: Pick<Product, 'model' | 'serialTracked' | 'effectiveWarrantyMonths'> | undefined): OrderItem {
  return {
    lineNo: r.lineNo,
    productId: r.productId,
    sku: r.sku,
    name: r.name,
    model: product?.model ?? null,
    quantity: r.quantity,
    unitPriceFen: r.unitPriceFen,
    discountFen: r.discountFen,
    totalFen: r.totalFen,
    unitCostFen: r.unitCostFen,
    refundedQuantity: r.refundedQuantity,
    refundedFen: r.refundedFen,
    serialTracked: product?.serialTracked ?? false,
    serialNumbers: r.serialNumbers,
    warrantyMonths: product?.effectiveWarrantyMonths ?? 0,
  };
}

const orderSelect = { o: orders, customerName: customers.name };
function ordersWithNames(q: Queryable) {
  return q
    .select(orderSelect)
    .from(orders)
    .leftJoin(customers, and(eq(customers.tenantId, orders.tenantId), eq(customers.id, orders.customerId)));
}

export async function loadOrderRow(q: Queryable, tenantId: string, id: string, lock = false): Promise<OrderRow | undefined> {
  const query = q.select().from(orders).where(and(eq(orders.tenantId, tenantId), eq(orders.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/**
 * The lines of a set of orders with what they show of the product today (model, serial tracking, the
 * warranty with the category's default): one statement, built once per database handle (preparedPerDb). It
 * was the lines and then the products by id, two round trips one after the other, each built anew. The ids
 * go as one uuid[] parameter (`= any`), not an IN list, so the text is the same whatever their number.
 */
const itemsWithProducts = preparedPerDb((q) =>
  q
    .select({ i: orderItems, model: products.model, serialTracked: products.serialTracked, warrantyMonths: products.warrantyMonths, categoryWarrantyMonths: productCategories.warrantyMonths })
    .from(orderItems)
    .leftJoin(products, and(eq(products.tenantId, orderItems.tenantId), eq(products.id, orderItems.productId)))
    .leftJoin(productCategories, and(eq(productCategories.tenantId, products.tenantId), eq(productCategories.id, products.categoryId)))
    .where(and(eq(orderItems.tenantId, sql.placeholder('tenantId')), sql`${orderItems.orderId} = any(${sql.placeholder('orderIds')}::uuid[])`))
    .orderBy(asc(orderItems.orderId), asc(orderItems.lineNo))
    .prepare('order_items_with_products'),
);

/** Orders with their lines (and the products' current model / warranty), in the given order. */
export async function withItems(q: Queryable, tenantId: string, rs: { o: OrderRow; customerName: string | null }[]): Promise<OrderWithItems[]> {
  if (rs.length === 0) return [];
  const items = await itemsWithProducts(q).execute({ tenantId, orderIds: rs.map((r) => r.o.id) });
  const byOrder = new Map<string, OrderItem[]>();
  for (const { i, model, serialTracked, warrantyMonths, categoryWarrantyMonths } of items) {
    // a line whose product is gone (left join: all null) shows as productsByIds' absence did: no model, not tracked, no warranty
    const product = serialTracked === null ? undefined : { model, serialTracked, effectiveWarrantyMonths: effectiveWarranty(warrantyMonths, categoryWarrantyMonths) };
    const list = byOrder.get(i.orderId);
    if (list) list.push(toItem(i, product));
    else byOrder.set(i.orderId, [toItem(i, product)]);
  }
  // items added to the fresh order object (last, as the contract has it) rather than the order's two dozen keys
  // copied by a spread: 50 orders on every customer 360 page
  return rs.map((r) => Object.assign(toOrder(r.o, r.customerName), { items: byOrder.get(r.o.id) ?? [] }));
}

export async function getOrderDetail(q: Queryable, tenantId: string, id: string): Promise<OrderDetail> {
  const rs = await ordersWithNames(q).where(and(eq(orders.tenantId, tenantId), eq(orders.id, id)));
  if (rs.length === 0) throw notFound();
  const [order] = await withItems(q, tenantId, rs);
  const adj = await q
    .select()
    .from(orderAdjustments)
    .where(and(eq(orderAdjustments.tenantId, tenantId), eq(orderAdjustments.orderId, id)))
    .orderBy(asc(orderAdjustments.createdAt), asc(orderAdjustments.id));
  const adjustments: OrderAdjustment[] = adj.map((a) => ({
    id: a.id,
    kind: a.kind as OrderAdjustment['kind'],
    lineNo: a.lineNo,
    quantity: a.quantity,
    amountFen: a.amountFen,
    reason: a.reason,
    actorId: a.actorId,
    createdAt: a.createdAt.toISOString(),
  }));
  return { ...order, adjustments };
}

export const getOrder = (ctx: Ctx, id: string) => getOrderDetail(ctx.db, ctx.tenantId, id);

// ---------- create ----------

export interface CreateOrderOptions {
  source?: 'manual' | 'import' | 'api';
}

/** Item checks that need the catalogue; every problem is reported at once, as `items.N.<field>`. */
function checkItems(input: CreateOrderParsed, products: Map<string, Product>): FieldError[] {
  const errors: FieldError[] = [];
  const seenSerials = new Set<string>();
  input.items.forEach((it, n) => {
    const p = products.get(it.productId);
    if (!p) {
      errors.push({ path: `items.${n}.productId`, code: 'errors.unknown_product' });
      return;
    }
    const gross = it.quantity * (it.unitPriceFen ?? p.priceFen);
    if (it.discountFen > gross) errors.push({ path: `items.${n}.discountFen`, code: 'errors.discount_exceeds_total', params: { total: (gross / 100).toFixed(2) } });
    if (it.serialNumbers.length) {
      if (!p.serialTracked) errors.push({ path: `items.${n}.serialNumbers`, code: 'errors.not_serial_tracked' });
      else if (it.serialNumbers.length !== it.quantity) errors.push({ path: `items.${n}.serialNumbers`, code: 'errors.serial_count', params: { quantity: it.quantity } });
      for (const s of it.serialNumbers) {
        if (seenSerials.has(s)) errors.push({ path: `items.${n}.serialNumbers`, code: 'errors.serial_duplicate', params: { serial: s } });
        seenSerials.add(s);
      }
    }
  });
  return errors;
}

function checkDates(orderedAt: Date, deliveredAt: Date | null): void {
  if (deliveredAt && deliveredAt.getTime() < orderedAt.getTime()) throw fieldError('deliveredAt', 'delivery_before_sale', 422);
}

/**
 * Creates an order, or — when its external id is already known — brings that order's header up to date
 * (the import's upsert: re-sending the same order changes nothing). Runs in the caller's transaction.
 */
export async function createOrderInTx(tx: Tx, ctx: Ctx, raw: CreateOrder, opts: CreateOrderOptions = {}): Promise<{ order: OrderDetail; created: boolean }> {
  const input = CreateOrderSchema.parse(raw);
  const orderedAt = parseSaleDate(input.orderedAt, ctx.timeZone);
  const deliveredAt = input.deliveredAt ? parseSaleDate(input.deliveredAt, ctx.timeZone) : null;
  checkDates(orderedAt, deliveredAt);
  if (input.externalId) {
    const [existing] = await tx.select({ id: orders.id, version: orders.version }).from(orders).where(and(eq(orders.tenantId, ctx.tenantId), eq(orders.externalId, input.externalId)));
    if (existing) {
      const order = await updateOrderInTx(tx, ctx, existing.id, { version: existing.version, channel: input.channel, store: input.store ?? null, deliveredAt: input.deliveredAt ?? null, note: input.note ?? null });
      return { order, created: false };
    }
  }
  const [customer] = await getCustomers(tx, ctx.tenantId, [input.customerId]);
  const products = new Map((await productsByIds(tx, ctx.tenantId, input.items.map((i) => i.productId))).map((p) => [p.id, p]));
  const errors = [...(customer ? [] : [{ path: 'customerId', code: 'errors.unknown_customer' }]), ...checkItems(input, products)];
  if (!errors.length) errors.push(...(await serialClashes(tx, ctx.tenantId, input.items.map((it, n) => ({ path: `items.${n}.serialNumbers`, productId: it.productId, serialNumbers: it.serialNumbers })))));
  if (errors.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: errors });

  const lines = input.items.map((it, n) => {
    const p = products.get(it.productId)!;
    const unitPriceFen = it.unitPriceFen ?? p.priceFen;
    return { lineNo: n + 1, p, quantity: it.quantity, unitPriceFen, discountFen: it.discountFen, totalFen: it.quantity * unitPriceFen - it.discountFen, serialNumbers: it.serialNumbers };
  });
  const totals = lineTotals(lines);
  const costKnown = lines.every((l) => l.p.costFen !== null);
  const seq = await nextNumber(tx, ctx.tenantId, 'order');
  const number = `O-${DateTime.fromJSDate(orderedAt, { zone: ctx.timeZone }).year}-${String(seq).padStart(6, '0')}`;
  const source = opts.source ?? (ctx.actor.tokenId ? 'api' : 'manual');
  const [row] = await tx
    .insert(orders)
    .values({
      tenantId: ctx.tenantId,
      number,
      externalId: input.externalId ?? null,
      customerId: input.customerId,
      channel: input.channel,
      store: input.store ?? null,
      ...totals,
      costFen: costKnown ? lines.reduce((s, l) => s + l.quantity * (l.p.costFen ?? 0), 0) : null,
      orderedAt,
      deliveredAt,
      source,
      note: input.note ?? null,
      createdBy: ctx.actor.userId,
    })
    .returning();
  await tx.insert(orderItems).values(
    lines.map((l) => ({
      tenantId: ctx.tenantId,
      orderId: row.id,
      lineNo: l.lineNo,
      productId: l.p.id,
      sku: l.p.sku,
      name: l.p.name,
      quantity: l.quantity,
      unitPriceFen: l.unitPriceFen,
      discountFen: l.discountFen,
      totalFen: l.totalFen,
      unitCostFen: l.p.costFen,
      serialNumbers: l.serialNumbers,
    })),
  );
  const order = await getOrderDetail(tx, ctx.tenantId, row.id);
  await writeAudit(tx, ctx, { action: 'created', entityType: 'order', entityId: row.id, after: order });
  await emitEvent(tx, ctx, 'order.created', 'order', row.id, { orderId: row.id, customerId: row.customerId, number, totalFen: row.totalFen });
  await refreshCustomerAggregates(tx, ctx.tenantId, [row.customerId]);
  return { order, created: true };
}

export async function createOrder(ctx: Ctx, input: CreateOrder, opts: CreateOrderOptions = {}): Promise<{ order: OrderDetail; created: boolean }> {
  return ctx.tx((tx) => createOrderInTx(tx, ctx, input, opts));
}

// ---------- update header ----------

async function updateOrderInTx(tx: Tx, ctx: Ctx, id: string, input: UpdateOrder): Promise<OrderDetail> {
  const current = checkVersion(await loadOrderRow(tx, ctx.tenantId, id, true), input.version, 'order');
  const deliveredAt = input.deliveredAt === undefined ? current.deliveredAt : input.deliveredAt ? parseSaleDate(input.deliveredAt, ctx.timeZone) : null;
  checkDates(current.orderedAt, deliveredAt);
  const before = await getOrderDetail(tx, ctx.tenantId, id);
  if (input.serials?.length) {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    input.serials.forEach((s, n) => {
      const line = before.items.find((i) => i.lineNo === s.lineNo);
      if (!line) errors.push({ path: `serials.${n}.lineNo`, code: 'errors.not_found' });
      else if (!line.serialTracked && s.serialNumbers.length) errors.push({ path: `serials.${n}.serialNumbers`, code: 'errors.not_serial_tracked' });
      else if (s.serialNumbers.length && s.serialNumbers.length !== line.quantity) errors.push({ path: `serials.${n}.serialNumbers`, code: 'errors.serial_count', params: { quantity: line.quantity } });
      for (const serial of s.serialNumbers) {
        const key = `${line?.productId}\n${serial}`;
        if (seen.has(key)) errors.push({ path: `serials.${n}.serialNumbers`, code: 'errors.serial_duplicate', params: { serial } });
        seen.add(key);
      }
    });
    if (!errors.length) {
      const wanted = input.serials.map((s, n) => ({ path: `serials.${n}.serialNumbers`, productId: before.items.find((i) => i.lineNo === s.lineNo)!.productId, serialNumbers: s.serialNumbers }));
      errors.push(...(await serialClashes(tx, ctx.tenantId, wanted, input.serials.map((s) => ({ orderId: id, lineNo: s.lineNo })))));
    }
    if (errors.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: errors });
  }
  const patch = { channel: input.channel ?? current.channel, store: input.store === undefined ? current.store : input.store, deliveredAt, note: input.note === undefined ? current.note : input.note };
  const changed =
    patch.channel !== current.channel || patch.store !== current.store || patch.note !== current.note || iso(patch.deliveredAt) !== iso(current.deliveredAt) || (input.serials ?? []).some((s) => before.items.find((i) => i.lineNo === s.lineNo)?.serialNumbers.join('\n') !== s.serialNumbers.join('\n'));
  if (!changed) return before;
  await tx
    .update(orders)
    .set({ ...patch, version: sql`${orders.version} + 1`, updatedAt: new Date() })
    .where(and(eq(orders.tenantId, ctx.tenantId), eq(orders.id, id)));
  for (const s of input.serials ?? []) {
    await tx
      .update(orderItems)
      .set({ serialNumbers: s.serialNumbers })
      .where(and(eq(orderItems.tenantId, ctx.tenantId), eq(orderItems.orderId, id), eq(orderItems.lineNo, s.lineNo)));
  }
  const after = await getOrderDetail(tx, ctx.tenantId, id);
  await writeAudit(tx, ctx, { action: 'updated', entityType: 'order', entityId: id, before, after });
  await emitEvent(tx, ctx, 'order.updated', 'order', id, { orderId: id, customerId: current.customerId });
  return after;
}

export async function updateOrder(ctx: Ctx, id: string, input: UpdateOrder): Promise<OrderDetail> {
  return ctx.tx((tx) => updateOrderInTx(tx, ctx, id, input));
}

// ---------- lists ----------

function filterConditions(ctx: Ctx, f: OrderFilters): SQL[] {
  const conds: SQL[] = [eq(orders.tenantId, ctx.tenantId)];
  if (f.customerId) conds.push(eq(orders.customerId, f.customerId));
  if (f.channel) conds.push(eq(orders.channel, f.channel));
  if (f.store) conds.push(eq(orders.store, f.store));
  if (f.status) conds.push(eq(orders.status, f.status));
  if (f.from) conds.push(sql`${orders.orderedAt} >= ${parseSaleDate(f.from, ctx.timeZone).toISOString()}`);
  if (f.to) conds.push(sql`${orders.orderedAt} < ${DateTime.fromISO(f.to, { zone: ctx.timeZone }).plus({ days: 1 }).startOf('day').toJSDate().toISOString()}`);
  if (f.q) conds.push(sql`(${orders.number} = ${f.q} or ${orders.externalId} = ${f.q})`);
  // a semi-join on order_items_serials_idx (tenant_id, serial_numbers @> …): no scan of the lines
  if (f.serial) conds.push(sql`${orders.id} in (select ${orderItems.orderId} from ${orderItems} where ${orderItems.tenantId} = ${ctx.tenantId} and ${orderItems.serialNumbers} @> array[${f.serial}]::text[])`);
  if (f.productId) {
    conds.push(sql`exists (select 1 from ${orderItems} where ${orderItems.tenantId} = ${orders.tenantId} and ${orderItems.orderId} = ${orders.id} and ${orderItems.productId} = ${f.productId})`);
  }
  return conds;
}

/** Newest sale first, keyset-paginated on (ordered_at, id). */
export async function listOrders(ctx: Ctx, query: OrderListQuery) {
  const conds = filterConditions(ctx, query);
  const after = decodeCursor(query.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${orders.orderedAt}, ${orders.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rs = await ordersWithNames(ctx.db)
    .where(and(...conds))
    .orderBy(desc(orders.orderedAt), desc(orders.id))
    .limit(query.limit + 1);
  return toPage(
    rs.map((r) => toOrder(r.o, r.customerName)),
    query.limit,
    (o) => [o.orderedAt, o.id],
  );
}

/** The filtered list with lines, page by page, for exports. */
export async function* orderPages(ctx: Ctx, filters: OrderFilters, size = 500): AsyncGenerator<OrderWithItems[]> {
  let after: [string, string] | null = null;
  for (;;) {
    const conds = filterConditions(ctx, filters);
    if (after) conds.push(sql`(${orders.orderedAt}, ${orders.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
    const rs = await ordersWithNames(ctx.db)
      .where(and(...conds))
      .orderBy(desc(orders.orderedAt), desc(orders.id))
      .limit(size);
    if (rs.length) yield await withItems(ctx.db, ctx.tenantId, rs);
    if (rs.length < size) return;
    const last = rs[rs.length - 1].o;
    after = [last.orderedAt.toISOString(), last.id];
  }
}

const customerOrders = preparedPerDb((q) =>
  q
    .select()
    .from(orders)
    .where(and(eq(orders.tenantId, sql.placeholder('tenantId')), eq(orders.customerId, sql.placeholder('customerId'))))
    .orderBy(desc(orders.orderedAt), desc(orders.id))
    .limit(sql.placeholder('limit'))
    .prepare('orders_of_customer'),
);

/**
 * The customer's orders with lines, newest sale first (customer 360). A caller that holds the customer
 * passes its name as `customerName`: the customers table is not joined again for it.
 */
export async function listCustomerOrders(ctx: Ctx, customerId: string, opts: { limit: number; customerName?: string }): Promise<OrderWithItems[]> {
  const { customerName } = opts;
  const rs =
    customerName === undefined
      ? await ordersWithNames(ctx.db)
          .where(and(eq(orders.tenantId, ctx.tenantId), eq(orders.customerId, customerId)))
          .orderBy(desc(orders.orderedAt), desc(orders.id))
          .limit(opts.limit)
      : (await customerOrders(ctx.db).execute({ tenantId: ctx.tenantId, customerId, limit: opts.limit })).map((o) => ({ o, customerName }));
  return withItems(ctx.db, ctx.tenantId, rs);
}
