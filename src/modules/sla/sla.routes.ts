import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { CreateSlaPolicy, SlaPolicy, UpdateSlaPolicy } from './sla.contract.ts';
import { createPolicy, deletePolicy, listPolicies, updatePolicy } from './sla.service.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['sla'];

export function slaRoutes(app: App) {
  app.get('/api/v1/sla-policies', { config: { access: 'tickets.read' }, schema: { tags, summary: 'SLA policies in the order they are tried', response: { 200: z.array(SlaPolicy) } } }, (req) =>
    listPolicies(req.ctx),
  );
  app.post(
    '/api/v1/sla-policies',
    { config: { access: 'sla.manage', idempotent: true }, schema: { tags, summary: 'Create an SLA policy', body: CreateSlaPolicy, response: { 201: SlaPolicy } } },
    async (req, reply) => reply.code(201).send(await createPolicy(req.ctx, req.body)),
  );
  app.patch(
    '/api/v1/sla-policies/:id',
    { config: { access: 'sla.manage' }, schema: { tags, summary: 'Change an SLA policy (applies to tickets created afterwards)', params: IdParam, body: UpdateSlaPolicy, response: { 200: SlaPolicy } } },
    (req) => updatePolicy(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/sla-policies/:id',
    { config: { access: 'sla.manage' }, schema: { tags, summary: 'Delete an SLA policy', params: IdParam, querystring: z.object({ version: z.coerce.number().int().positive() }), response: { 204: z.null() } } },
    async (req, reply) => {
      await deletePolicy(req.ctx, req.params.id, req.query.version);
      return reply.code(204).send(null);
    },
  );
}
