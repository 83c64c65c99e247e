/** The orders module's public surface for other modules (customers 360 and merge, import, tiers, returns). */
export { listCustomerOrders, createOrderInTx, getOrderDetail, parseSaleDate } from './orders.service.ts';
export { refreshCustomerAggregates, reassignCustomer } from './aggregates.ts';
export { clvSettings, customerClv } from './clv.service.ts';
export { predictedClv, purchasesPerYear, clvDefinition, defaultClvSettings, type PurchaseSummary } from './clv.contract.ts';
export { orders, orderItems, orderAdjustments } from './orders.schema.ts';
export { unitRefundFen, OrderChannel, OrderStatus } from './orders.contract.ts';
export type { Order, OrderWithItems, OrderDetail, OrderItem, OrderAdjustment, CreateOrder } from './orders.contract.ts';
export type { ClvSettings, CustomerClv } from './clv.contract.ts';
export { seedCatalogAndOrders } from './orders.seed.ts';
export { cancelOrder, refundOrder } from './adjust.ts';
export { purchasesInCategory, purchaseFacts, type PurchaseFacts } from './orders.facts.ts';
