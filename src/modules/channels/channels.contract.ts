import { z } from 'zod';

const email = z.string().trim().toLowerCase().max(320).email();

export const DmarcPolicy = z.enum(['accept', 'reject']);
export type DmarcPolicy = z.infer<typeof DmarcPolicy>;

/** Placeholders an auto-reply template may use. */
export const autoReplyPlaceholders = ['number', 'subject', 'name'] as const;

export const MailSettings = z.object({
  fromAddress: z.string(),
  fromName: z.string(),
  autoReply: z.boolean(),
  /** the tenant's own auto-reply; null → the built-in text in the tenant's language (shown in defaultAutoReply) */
  autoReplySubject: z.string().nullable(),
  autoReplyBody: z.string().nullable(),
  defaultAutoReply: z.object({ subject: z.string(), body: z.string() }),
  /** accept: take mail failing DMARC and mark it in the log; reject: refuse it (550) when its domain asks for enforcement */
  dmarcPolicy: DmarcPolicy,
  /** server-wide, from the environment: how mail leaves and how it arrives */
  outgoing: z.object({ transport: z.enum(['smtp', 'local']), relay: z.string().nullable() }),
  incoming: z.object({ starttls: z.boolean(), authChecks: z.boolean() }),
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
  autoReplySubject: z.string().trim().min(1).max(300).nullable().optional(),
  autoReplyBody: z.string().trim().min(1).max(10_000).nullable().optional(),
  dmarcPolicy: DmarcPolicy.optional(),
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
export const OutboxKind = z.enum(['auto_reply', 'reply', 'campaign']);

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
export const OutboxMailDetail = OutboxMail.extend({
  raw: z.string(),
  text: z.string(),
  /** the HTML part, sanitised like received mail: safe to show */
  html: z.string().nullable(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number().int() })),
});
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
  remoteIp: z.string().nullable(),
  /** SPF / DKIM / DMARC verdicts; null when not checked (IMAP, import) */
  auth: z.object({ spf: z.string(), dkim: z.string(), dmarc: z.string(), results: z.string().nullable() }).nullable(),
});
export type InboundMail = z.infer<typeof InboundMail>;
export const InboundListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: InboundStatus.optional(),
});
export type InboundListQuery = z.infer<typeof InboundListQuery>;

/** An agent's reply or note with files uploaded before (POST /api/v1/files). */
export const AddMessageWithFiles = z.strictObject({
  kind: z.enum(['public', 'note']).default('public'),
  body: z.string().trim().min(1).max(100_000),
  attachmentIds: z.array(z.string().uuid()).min(1).max(10),
});
export type AddMessageWithFiles = z.infer<typeof AddMessageWithFiles>;

export const UploadedFile = z.object({ id: z.string().uuid(), filename: z.string(), contentType: z.string(), size: z.number().int(), url: z.string() });
export type UploadedFile = z.infer<typeof UploadedFile>;
export const UploadQuery = z.object({ filename: z.string().trim().min(1).max(255) });

/** Total size of the files on one outgoing reply: common mail servers refuse messages above 20–25 MB. */
export const MAX_REPLY_ATTACHMENT_BYTES = 15 * 1024 * 1024;
