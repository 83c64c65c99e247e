import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import { plainResponse } from '../../platform/http/serialize.ts';
import { Customer360, MergeCustomers, MergeResult } from './customer360.contract.ts';
import { customer360 } from './customer360.service.ts';
import { mergeCustomers } from './merge.service.ts';
import { deleteCustomer } from './delete.service.ts';

registerEventTypes('customer.merged', 'customer.deleted');

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['customers'];

export function customer360Routes(app: App) {
  app.get(
    '/api/v1/customers/:id/360',
    {
      config: { access: 'customers.read' },
      schema: {
        tags,
        summary: 'Everything about a customer in one call: profile, identities, addresses, consents, company and contacts, tier with benefits and history, purchases with CLV, tickets and complaints, campaign messages, call tasks, notes and one timeline. A merged id answers with the survivor (redirectedFrom names the id asked for).',
        params: IdParam,
        // customer360() builds every object in the contract's key order (customer360.page.test.ts checks it against zod)
        response: { 200: plainResponse(Customer360) },
      },
    },
    (req) => customer360(req.ctx, req.params.id),
  );
  app.post(
    '/api/v1/customers/:id/merge',
    {
      config: { access: 'customers.merge' },
      schema: {
        tags,
        summary: 'Merge another customer (mergeId) into this one, in one transaction: identities, addresses, consents, notes, tags, tier history, orders, tickets and campaign messages move here; the merged id keeps pointing here',
        params: IdParam,
        body: MergeCustomers,
        response: { 200: MergeResult },
      },
    },
    (req) => mergeCustomers(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/customers/:id',
    {
      config: { access: 'customers.write' },
      schema: { tags, summary: 'Delete a customer entered by mistake (409 while orders, tickets, messages or contacts refer to it: merge instead)', params: IdParam, querystring: z.object({ version: z.coerce.number().int().positive() }) },
    },
    async (req, reply) => {
      await deleteCustomer(req.ctx, req.params.id, req.query.version);
      return reply.code(204).send();
    },
  );
}
