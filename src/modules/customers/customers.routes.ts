import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { Customer, CustomerLookupQuery } from './customers.contract.ts';
import { getCustomer, lookupCustomers } from './customers.service.ts';

export function customersRoutes(app: App) {
  app.get(
    '/api/v1/customers',
    { config: { access: 'customers.read' }, schema: { tags: ['customers'], summary: 'Find customers by phone, e-mail, external id or name', querystring: CustomerLookupQuery, response: { 200: z.array(Customer) } } },
    (req) => lookupCustomers(req.ctx, req.query.q, req.query.limit),
  );
  app.get(
    '/api/v1/customers/:id',
    { config: { access: 'customers.read' }, schema: { tags: ['customers'], summary: 'One customer with identities', params: z.object({ id: z.string().uuid() }), response: { 200: Customer } } },
    (req) => getCustomer(req.ctx, req.params.id),
  );
}
