import { z } from 'zod';

const email = z.string().trim().toLowerCase().max(320).email();

export const MailSettings = z.object({
  fromAddress: z.string(),
  fromName: z.string(),
  autoReply: z.boolean(),
  /** the tenant's inbound addresses; support@<slug>.<MAIL_DOMAIN> always works too */
  addresses: z.array(z.string()),
  defaultAddress: z.string(),
  imap: z.object({
    enabled: z.boolean(),
    host: z.string().nullable(),
    port: z.number().int(),
    tls: z.boolean(),
    user: z.string().nullable(),
    /** the password is never returned */
    passwordSet: z.boolean(),
    folder: z.string(),
    intervalMinutes: z.number().int(),
  }),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type MailSettings = z.infer<typeof MailSettings>;

export const UpdateMailSettings = z.strictObject({
  version: z.number().int().positive(),
  fromAddress: email.optional(),
  fromName: z.string().trim().max(200).optional(),
  autoReply: z.boolean().optional(),
  addresses: z.array(email).max(50).optional(),
  imap: z
    .strictObject({
      enabled: z.boolean().optional(),
      host: z.string().trim().max(255).nullable().optional(),
      port: z.number().int().min(1).max(65535).optional(),
      tls: z.boolean().optional(),
      user: z.string().trim().max(320).nullable().optional(),
      password: z.string().max(500).nullable().optional(),
      folder: z.string().trim().min(1).max(200).optional(),
      intervalMinutes: z.number().int().min(1).max(1440).optional(),
    })
    .optional(),
});
export type UpdateMailSettings = z.infer<typeof UpdateMailSettings>;

export const OutboxStatus = z.enum(['queued', 'sent', 'failed']);
export const OutboxKind = z.enum(['auto_reply', 'reply']);

export const OutboxMail = z.object({
  id: z.string().uuid(),
  kind: OutboxKind,
  ticketId: z.string().uuid().nullable(),
  fromAddress: z.string(),
  toAddress: z.string(),
  subject: z.string(),
  messageId: z.string(),
  status: OutboxStatus,
  transport: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type OutboxMail = z.infer<typeof OutboxMail>;
export const OutboxMailDetail = OutboxMail.extend({ raw: z.string() });
export type OutboxMailDetail = z.infer<typeof OutboxMailDetail>;

export const OutboxListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: OutboxStatus.optional(),
  ticketId: z.string().uuid().optional(),
});
export type OutboxListQuery = z.infer<typeof OutboxListQuery>;

export const Attachment = z.object({
  fileId: z.string().uuid(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  inline: z.boolean(),
  /** authenticated download URL (Content-Disposition: attachment) */
  url: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

/** Per message of a ticket: its files and, for e-mail, the sanitised HTML body. */
export const MessageMail = z.object({
  messageId: z.string().uuid(),
  html: z.string().nullable(),
  attachments: z.array(Attachment),
});
export type MessageMail = z.infer<typeof MessageMail>;

export const fileUrl = (fileId: string) => `/api/v1/files/${fileId}`;

export const InboundStatus = z.enum(['received', 'processed', 'duplicate', 'failed']);
export const InboundMail = z.object({
  id: z.string().uuid(),
  source: z.string(),
  status: InboundStatus,
  fromAddress: z.string().nullable(),
  fromName: z.string().nullable(),
  subject: z.string(),
  messageId: z.string().nullable(),
  size: z.number().int(),
  /** why it got no auto-reply (auto-responder, list, bounce, …) */
  automated: z.string().nullable(),
  error: z.string().nullable(),
  ticketId: z.string().uuid().nullable(),
  receivedAt: z.string(),
});
export type InboundMail = z.infer<typeof InboundMail>;
export const InboundListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: InboundStatus.optional(),
});
export type InboundListQuery = z.infer<typeof InboundListQuery>;
