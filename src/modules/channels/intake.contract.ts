import { z } from 'zod';
import { TicketType } from '../tickets/tickets.contract.ts';

export const InboundKind = z.enum(['wechat', 'mini_program', 'sms', 'other']);

/**
 * The documented payload of an inbound webhook. Sign it: header `X-Signature: sha256=<hex>` where hex is
 * HMAC-SHA256(secret, `${X-Timestamp}.${raw body}`) and `X-Timestamp` is unix seconds (±5 min accepted).
 */
export const InboundMessage = z.strictObject({
  /** the gateway's id of this message: a retried delivery with the same id is accepted once */
  messageId: z.string().trim().min(1).max(200),
  from: z.strictObject({
    /** the sender's id on that channel, e.g. a WeChat openid */
    externalId: z.string().trim().min(1).max(200).optional(),
    name: z.string().trim().max(200).optional(),
    phone: z.string().trim().max(40).optional(),
    email: z.string().trim().max(320).optional(),
  }),
  text: z.string().trim().min(1).max(20_000),
  subject: z.string().trim().max(300).optional(),
  /** continue this ticket (T-2026-000123) instead of finding the sender's open one */
  ticketNumber: z.string().trim().max(40).optional(),
  type: TicketType.optional(),
  sentAt: z.iso.datetime({ offset: true }).optional(),
});
export type InboundMessage = z.infer<typeof InboundMessage>;

export const InboundAccepted = z.object({ ticketId: z.string().uuid(), ticketNumber: z.string(), created: z.boolean(), duplicate: z.boolean() });

export const InboundChannel = z.object({
  id: z.string().uuid(),
  key: z.string(),
  kind: InboundKind,
  name: z.string(),
  active: z.boolean(),
  url: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
});
export const CreateInboundChannel = z.strictObject({
  key: z.string().trim().min(2).max(40).regex(/^[a-z0-9][a-z0-9-]*$/),
  kind: InboundKind,
  name: z.string().trim().min(1).max(100),
});
export const InboundChannelCreated = z.object({ channel: InboundChannel, secret: z.string() });

/** The public web form (no sign-in). `website` is a honeypot: people leave it empty, bots fill it. */
export const WebFormSubmission = z.strictObject({
  name: z.string().trim().min(1).max(100),
  email: z.string().trim().max(320).optional(),
  phone: z.string().trim().max(40).optional(),
  subject: z.string().trim().min(1).max(300),
  description: z.string().trim().min(1).max(20_000),
  type: TicketType.default('inquiry'),
  website: z.string().max(200).optional(),
});
export const WebFormAccepted = z.object({ ticketNumber: z.string() });
