import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { plainResponse, replyJsonText } from '../../platform/http/serialize.ts';
import { AddMessage, CreateTicket, Ticket, TicketDetail, TicketListQuery, TicketMessage, UpdateTicket } from './tickets.contract.ts';
import { createTicket, getTicketJson } from './tickets.service.ts';
import { listTicketsJson } from './ticket-list.ts';
import { updateTicket } from './tickets.update.ts';
import { addMessage } from './messages.service.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['tickets'];

export function ticketsRoutes(app: App) {
  app.get(
    '/api/v1/tickets',
    { config: { access: 'tickets.read' }, schema: { tags, summary: 'Tickets: queues, filters, search (Chinese and English), cursor pagination', querystring: TicketListQuery, response: { 200: plainResponse(page(Ticket)) } } },
    async (req, reply) => replyJsonText(reply, await listTicketsJson(req.ctx, req.query)),
  );
  app.post(
    '/api/v1/tickets',
    {
      config: { access: 'tickets.create', idempotent: true },
      schema: { tags, summary: 'Create a ticket; the customer is recognised by e-mail, phone or external id', body: CreateTicket, response: { 201: Ticket } },
    },
    async (req, reply) => reply.code(201).send(await createTicket(req.ctx, req.body)),
  );
  app.get('/api/v1/tickets/:id', { config: { access: 'tickets.read' }, schema: { tags, summary: 'A ticket with its conversation and history', params: IdParam, response: { 200: plainResponse(TicketDetail) } } }, async (req, reply) =>
    replyJsonText(reply, await getTicketJson(req.ctx, req.params.id)),
  );
  app.patch(
    '/api/v1/tickets/:id',
    { config: { access: 'tickets.update' }, schema: { tags, summary: 'Change fields or status (with the version read; 409 when stale)', params: IdParam, body: UpdateTicket, response: { 200: Ticket } } },
    (req) => updateTicket(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/v1/tickets/:id/messages',
    { config: { access: 'tickets.update' }, schema: { tags, summary: 'Reply to the customer (public) or add an internal note', params: IdParam, body: AddMessage, response: { 201: TicketMessage } } },
    async (req, reply) => reply.code(201).send(await addMessage(req.ctx, req.params.id, { kind: req.body.kind, body: req.body.body, authorType: 'agent' })),
  );
}
