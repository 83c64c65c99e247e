import { z } from 'zod';
import type { App } from '../http/types.ts';
import { page, PageQuery } from '../http/pagination.contract.ts';
import { knownEventTypes } from '../outbox/event-types.ts';
import {
  CreateWebhook,
  DeleteWebhookQuery,
  UpdateWebhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookListQuery,
  WebhookSubscription,
} from './webhooks.contract.ts';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, sendTestEvent, updateWebhook } from './webhooks.service.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['webhooks'];
const access = 'webhooks.manage' as const;

export function webhooksRoutes(app: App) {
  app.get(
    '/api/v1/webhooks',
    { config: { access }, schema: { tags, summary: 'List webhook subscriptions', querystring: WebhookListQuery, response: { 200: page(WebhookSubscription) } } },
    (req) => listWebhooks(req.ctx, req.query),
  );
  app.post(
    '/api/v1/webhooks',
    {
      config: { access, idempotent: true },
      schema: { tags, summary: 'Subscribe a URL to events; the signing secret is returned this once', body: CreateWebhook, response: { 201: WebhookCreated } },
    },
    async (req, reply) => reply.code(201).send(await createWebhook(req.ctx, req.body)),
  );
  app.get(
    '/api/v1/webhooks/event-types',
    { config: { access }, schema: { tags, summary: 'Event types a webhook can subscribe to (or "*")', response: { 200: z.array(z.string()) } } },
    async () => knownEventTypes(),
  );
  app.get('/api/v1/webhooks/:id', { config: { access }, schema: { tags, summary: 'One webhook subscription', params: IdParam, response: { 200: WebhookSubscription } } }, (req) =>
    getWebhook(req.ctx, req.params.id),
  );
  app.patch(
    '/api/v1/webhooks/:id',
    { config: { access }, schema: { tags, summary: 'Change URL, events, description or active (needs the current version)', params: IdParam, body: UpdateWebhook, response: { 200: WebhookSubscription } } },
    (req) => updateWebhook(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/webhooks/:id',
    { config: { access }, schema: { tags, summary: 'Delete a subscription and its delivery history', params: IdParam, querystring: DeleteWebhookQuery, response: { 204: z.null() } } },
    async (req, reply) => {
      await deleteWebhook(req.ctx, req.params.id, req.query.version);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/webhooks/:id/deliveries',
    { config: { access }, schema: { tags, summary: 'Delivery attempts, newest first', params: IdParam, querystring: PageQuery, response: { 200: page(WebhookDelivery) } } },
    (req) => listDeliveries(req.ctx, req.params.id, req.query),
  );
  app.post(
    '/api/v1/webhooks/:id/test',
    { config: { access }, schema: { tags, summary: 'Send a "webhook.test" event to this subscription', params: IdParam, response: { 202: WebhookDelivery } } },
    async (req, reply) => reply.code(202).send(await sendTestEvent(req.ctx, req.params.id)),
  );
}
