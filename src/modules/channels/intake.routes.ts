import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { CreateInboundChannel, InboundAccepted, InboundChannel, InboundChannelCreated, InboundMessage, WebFormAccepted, WebFormSubmission } from './intake.contract.ts';
import { createInboundChannel, listInboundChannels, receiveInbound, setInboundChannelActive, submitWebForm } from './intake.service.ts';

const Slug = z.string().min(1).max(100);

export function intakeRoutes(app: App) {
  const db = () => app.deps.database.db;
  app.post(
    '/api/v1/public/forms/:tenant/tickets',
    {
      config: { access: 'public' },
      schema: { tags: ['channels'], summary: "The organisation's public web form: creates a ticket (no sign-in; rate-limited per address)", params: z.object({ tenant: Slug }), body: WebFormSubmission, response: { 201: WebFormAccepted } },
    },
    async (req, reply) => reply.code(201).send(await submitWebForm(db(), req.params.tenant, req.body, { ip: req.ip, requestId: req.id })),
  );
  app.post(
    '/api/v1/public/inbound/:tenant/:key',
    {
      config: { access: 'public', rawBody: true },
      schema: {
        tags: ['channels'],
        summary: 'Inbound webhook for WeChat / mini-program / SMS gateways (HMAC-signed; see the InboundMessage schema)',
        description:
          'Headers: `X-Timestamp` (unix seconds, ±300 s) and `X-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`. ' +
          'Body: ' + JSON.stringify(z.toJSONSchema(InboundMessage)),
        params: z.object({ tenant: Slug, key: z.string().min(1).max(40) }),
        response: { 200: InboundAccepted },
      },
    },
    async (req) =>
      receiveInbound(db(), req.params.tenant, req.params.key, req.rawBody ?? Buffer.alloc(0), req.body, {
        timestamp: req.headers['x-timestamp'] as string | undefined,
        signature: req.headers['x-signature'] as string | undefined,
        ip: req.ip,
        requestId: req.id,
      }),
  );
  app.get('/api/v1/inbound-channels', { config: { access: 'settings.manage' }, schema: { tags: ['channels'], summary: 'Inbound webhook endpoints', response: { 200: z.array(InboundChannel) } } }, (req) =>
    listInboundChannels(req.ctx),
  );
  app.post(
    '/api/v1/inbound-channels',
    { config: { access: 'settings.manage', idempotent: true }, schema: { tags: ['channels'], summary: 'Create an inbound webhook endpoint; its signing secret is shown once', body: CreateInboundChannel, response: { 201: InboundChannelCreated } } },
    async (req, reply) => reply.code(201).send(await createInboundChannel(req.ctx, req.body)),
  );
  app.patch(
    '/api/v1/inbound-channels/:id',
    { config: { access: 'settings.manage' }, schema: { tags: ['channels'], summary: 'Activate or deactivate an endpoint', params: z.object({ id: z.string().uuid() }), body: z.strictObject({ active: z.boolean() }), response: { 200: InboundChannel } } },
    (req) => setInboundChannelActive(req.ctx, req.params.id, req.body.active),
  );
}
