import { z } from 'zod';

export const WebhookSubscription = z.object({
  id: z.string().uuid(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

export const WebhookUrl = z.url({ protocol: /^https?$/ }).max(2000);
/** An event type ("user.created") or '*' for all; checked against the known types by the service. */
export const WebhookEventName = z.string().trim().min(1).max(100);

export const CreateWebhook = z.strictObject({
  url: WebhookUrl,
  description: z.string().trim().max(500).optional(),
  events: z.array(WebhookEventName).min(1).max(100),
});
export type CreateWebhook = z.infer<typeof CreateWebhook>;

/** `secret` signs every delivery; it is shown this once. */
export const WebhookCreated = z.object({ subscription: WebhookSubscription, secret: z.string() });
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const UpdateWebhook = z.strictObject({
  version: z.number().int().positive(),
  url: WebhookUrl.optional(),
  description: z.string().trim().max(500).optional(),
  events: z.array(WebhookEventName).min(1).max(100).optional(),
  active: z.boolean().optional(),
});
export type UpdateWebhook = z.infer<typeof UpdateWebhook>;

export const DeleteWebhookQuery = z.object({ version: z.coerce.number().int().positive() });

export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'retrying', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

export const WebhookDelivery = z.object({
  id: z.number().int(),
  eventType: z.string(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type WebhookListQuery = z.infer<typeof WebhookListQuery>;

/** The JSON body of every delivery. `id` is the event id: the same on every retry, use it to de-duplicate. */
export const WebhookEnvelope = z.object({
  id: z.string(),
  type: z.string(),
  tenantId: z.string(),
  occurredAt: z.string(),
  data: z.unknown(),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

/** Integrator documentation, shown as the description of the `webhooks` tag in the OpenAPI document. */
export const webhooksTagDescription = [
  'Outbound webhooks: the platform POSTs each subscribed event as JSON `{id, type, tenantId, occurredAt, data}`.',
  '',
  'Headers: `Content-Type: application/json`, `X-Webhook-Id` (the event id, the same on every retry: use it to',
  'de-duplicate), `X-Webhook-Event` (the type), `X-Webhook-Delivery` (our delivery id), `X-Webhook-Timestamp`',
  '(unix seconds) and `X-Webhook-Signature: sha256=<hex>`, the HMAC-SHA256 of `<timestamp>.<raw body>` keyed',
  'with the subscription secret (the whole `whsec_…` string as UTF-8), which is shown once when the webhook is created.',
  '',
  'To verify: recompute the HMAC over the raw request bytes (not re-serialised JSON), compare in constant',
  'time, and reject timestamps more than 5 minutes from your clock (replays). In Node.js:',
  '`createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")`.',
  '',
  'Answer 2xx within 10 seconds to acknowledge. Anything else, a timeout or a redirect is retried with',
  'exponential backoff (about 8 attempts over an hour), then the delivery is marked `failed`.',
  'Deliveries are at-least-once and not ordered.',
].join('\n');
