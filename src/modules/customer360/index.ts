/** Customer 360 and merge: reads and orchestrates the customers, orders, tickets and campaigns modules; nothing imports it. */
export { customer360Routes } from './customer360.routes.ts';
export { customer360 } from './customer360.service.ts';
export { mergeCustomers } from './merge.service.ts';
