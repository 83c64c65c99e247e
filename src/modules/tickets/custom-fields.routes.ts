import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import { CheckCustomFields, CreateTicketFieldDef, TicketFieldDef, TicketFieldListQuery, UpdateTicketFieldDef } from './custom-fields.contract.ts';
import { checkCustomFields, createFieldDef, getFieldDef, listFieldDefs, updateFieldDef } from './custom-fields.service.ts';

registerEventTypes('ticket_field.created', 'ticket_field.updated');

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['ticket-fields'];

/** Ticket form fields per type: admins define them, the console reads them to render the ticket forms. */
export function ticketFieldRoutes(app: App) {
  app.get(
    '/api/v1/ticket-fields',
    { config: { access: 'tickets.read' }, schema: { tags, summary: 'Custom ticket fields in form order (type=… gives the active fields of one ticket type)', querystring: TicketFieldListQuery, response: { 200: z.array(TicketFieldDef) } } },
    (req) => listFieldDefs(req.ctx, req.query),
  );
  app.post(
    '/api/v1/ticket-fields',
    { config: { access: 'tickets.configure', idempotent: true }, schema: { tags, summary: 'Define a custom ticket field', body: CreateTicketFieldDef, response: { 201: TicketFieldDef } } },
    async (req, reply) => reply.code(201).send(await createFieldDef(req.ctx, req.body)),
  );
  app.post(
    '/api/v1/ticket-fields/check',
    {
      config: { access: 'tickets.read' },
      schema: { tags, summary: "Check custom field values against the type's definitions without saving (204, or 422 with customFields.<key> errors)", body: CheckCustomFields, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await checkCustomFields(req.ctx.db, req.ctx, req.body.type, req.body.customFields, req.body.previous);
      return reply.code(204).send(null);
    },
  );
  app.get('/api/v1/ticket-fields/:id', { config: { access: 'tickets.read' }, schema: { tags, summary: 'One custom ticket field', params: IdParam, response: { 200: TicketFieldDef } } }, (req) =>
    getFieldDef(req.ctx, req.params.id),
  );
  app.patch(
    '/api/v1/ticket-fields/:id',
    {
      config: { access: 'tickets.configure' },
      schema: { tags, summary: 'Change labels, options, required, ticket types, order; active=false retires the field (its key stays reserved)', params: IdParam, body: UpdateTicketFieldDef, response: { 200: TicketFieldDef } },
    },
    (req) => updateFieldDef(req.ctx, req.params.id, req.body),
  );
}
