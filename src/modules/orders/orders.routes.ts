import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import { sendExport, type ExportColumn } from '../../platform/export/export.ts';
import { CancelOrder, CreateOrder, Order, OrderDetail, OrderExportQuery, OrderListQuery, RefundOrder, UpdateOrder, type OrderWithItems } from './orders.contract.ts';
import { ClvSettings, CustomerClv, UpdateClvSettings, clvDefinition } from './clv.contract.ts';
import { createOrder, getOrder, listOrders, orderPages, updateOrder } from './orders.service.ts';
import { cancelOrder, refundOrder } from './adjust.ts';
import { clvSettings, customerClv, updateClvSettings } from './clv.service.ts';

registerEventTypes('order.created', 'order.updated', 'order.adjusted', 'clv_settings.updated');

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['orders'];
const yuan = (fen: number | null) => (fen === null ? null : fen / 100);
const channelNames = { online: { en: 'Online shop', 'zh-CN': '线上商城' }, offline_store: { en: 'Offline store', 'zh-CN': '线下门店' }, distributor: { en: 'Distributor', 'zh-CN': '经销商' } } as const;
const statusNames = {
  placed: { en: 'Placed', 'zh-CN': '已下单' },
  partially_refunded: { en: 'Partially refunded', 'zh-CN': '部分退款' },
  refunded: { en: 'Refunded', 'zh-CN': '已退款' },
  cancelled: { en: 'Cancelled', 'zh-CN': '已取消' },
} as const;

function orderColumns(locale: 'en' | 'zh-CN'): ExportColumn<OrderWithItems>[] {
  return [
    { header: { en: 'Order number', 'zh-CN': '订单号' }, value: (o) => o.number },
    { header: { en: 'External id', 'zh-CN': '外部单号' }, value: (o) => o.externalId },
    { header: { en: 'Customer', 'zh-CN': '客户' }, value: (o) => o.customerName },
    { header: { en: 'Channel', 'zh-CN': '渠道' }, value: (o) => channelNames[o.channel][locale] },
    { header: { en: 'Store', 'zh-CN': '门店' }, value: (o) => o.store },
    { header: { en: 'Status', 'zh-CN': '状态' }, value: (o) => statusNames[o.status][locale] },
    { header: { en: 'Sale date', 'zh-CN': '销售日期' }, value: (o) => new Date(o.orderedAt) },
    { header: { en: 'Delivery date', 'zh-CN': '交付日期' }, value: (o) => (o.deliveredAt ? new Date(o.deliveredAt) : null) },
    { header: { en: 'Items', 'zh-CN': '商品' }, value: (o) => o.items.map((i) => `${i.sku}×${i.quantity}`).join('; ') },
    { header: { en: 'Serial numbers', 'zh-CN': '序列号' }, value: (o) => o.items.flatMap((i) => i.serialNumbers).join(' ') || null },
    { header: { en: 'Subtotal (CNY)', 'zh-CN': '小计（元）' }, value: (o) => yuan(o.subtotalFen) },
    { header: { en: 'Discount (CNY)', 'zh-CN': '折扣（元）' }, value: (o) => yuan(o.discountFen) },
    { header: { en: 'Total (CNY)', 'zh-CN': '合计（元）' }, value: (o) => yuan(o.totalFen) },
    { header: { en: 'Refunded (CNY)', 'zh-CN': '已退款（元）' }, value: (o) => yuan(o.refundedFen) },
    { header: { en: 'Net (CNY)', 'zh-CN': '净额（元）' }, value: (o) => yuan(o.netFen) },
    { header: { en: 'Cost (CNY)', 'zh-CN': '成本（元）' }, value: (o) => yuan(o.costFen) },
  ];
}

export function ordersRoutes(app: App) {
  app.get(
    '/api/v1/orders',
    { config: { access: 'orders.read' }, schema: { tags, summary: 'Orders, newest sale first: filter by customer, channel, store, status, product, sale date range, serial number', querystring: OrderListQuery, response: { 200: page(Order) } } },
    (req) => listOrders(req.ctx, req.query),
  );
  app.get('/api/v1/orders/export', { config: { access: 'orders.read' }, schema: { tags, summary: 'The filtered order list as CSV (UTF-8 with BOM) or XLSX', querystring: OrderExportQuery } }, (req, reply) => {
    const { format, ...filters } = req.query;
    return sendExport(reply, { format, filename: req.locale === 'en' ? 'orders' : '订单', locale: req.locale, timeZone: req.ctx.timeZone, columns: orderColumns(req.locale), rows: orderPages(req.ctx, filters) });
  });
  app.post(
    '/api/v1/orders',
    {
      config: { access: 'orders.write', idempotent: true },
      schema: {
        tags,
        summary: 'Record a sale (totals computed here); 201 when created, 200 when an order with this externalId existed (its header is updated, its lines are not)',
        body: CreateOrder,
        response: { 201: OrderDetail, 200: OrderDetail },
      },
    },
    async (req, reply) => {
      const { order, created } = await createOrder(req.ctx, req.body);
      return reply.code(created ? 201 : 200).send(order);
    },
  );
  app.get('/api/v1/orders/clv-settings', { config: { access: 'orders.read' }, schema: { tags, summary: 'CLV assumptions (expected lifetime, margin rate) and the definition', description: clvDefinition.en, response: { 200: ClvSettings } } }, (req) =>
    clvSettings(req.ctx),
  );
  app.put(
    '/api/v1/orders/clv-settings',
    { config: { access: 'tiers.manage' }, schema: { tags, summary: 'Change the CLV assumptions (version 0 for the first save; 409 when stale)', description: clvDefinition.en, body: UpdateClvSettings, response: { 200: ClvSettings } } },
    (req) => updateClvSettings(req.ctx, req.body),
  );
  app.get(
    '/api/v1/orders/clv/:customerId',
    { config: { access: 'orders.read' }, schema: { tags, summary: "A customer's historical and predicted CLV", description: clvDefinition.en, params: z.object({ customerId: z.string().uuid() }), response: { 200: CustomerClv } } },
    (req) => customerClv(req.ctx, req.params.customerId),
  );
  app.get('/api/v1/orders/:id', { config: { access: 'orders.read' }, schema: { tags, summary: 'An order with its lines and its adjustment history', params: IdParam, response: { 200: OrderDetail } } }, (req) =>
    getOrder(req.ctx, req.params.id),
  );
  app.patch(
    '/api/v1/orders/:id',
    { config: { access: 'orders.write' }, schema: { tags, summary: 'Change channel, store, delivery date, note or serial numbers (with the version read; 409 when stale)', params: IdParam, body: UpdateOrder, response: { 200: OrderDetail } } },
    (req) => updateOrder(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/v1/orders/:id/cancel',
    { config: { access: 'orders.write' }, schema: { tags, summary: 'Cancel an order nothing of which was refunded yet (refunds it all; kept as history)', params: IdParam, body: CancelOrder, response: { 200: OrderDetail } } },
    (req) => cancelOrder(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/v1/orders/:id/refunds',
    { config: { access: 'orders.write' }, schema: { tags, summary: 'Refund the rest of the order, some units of one line (their share of what the line has left), or an amount without goods (amountFen: price protection, goodwill; capped by what is left); kept as history', params: IdParam, body: RefundOrder, response: { 200: OrderDetail } } },
    (req) => refundOrder(req.ctx, req.params.id, req.body),
  );
}
