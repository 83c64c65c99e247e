import { randomUUID } from 'node:crypto';
import type MailComposerType from 'nodemailer/lib/mail-composer/index.js';
import type Nodemailer from 'nodemailer';

// loaded on first use: the package adds megabytes of RSS to every process, and most never use it
let composer: Promise<typeof MailComposerType> | undefined;
let mailer: Promise<typeof Nodemailer> | undefined;
const loadComposer = () => (composer ??= import('nodemailer/lib/mail-composer/index.js').then((m) => m.default));
const loadMailer = () => (mailer ??= import('nodemailer').then((m) => m.default));

export interface OutgoingMail {
  from: { address: string; name?: string };
  to: string;
  subject: string;
  text: string;
  /** HTML alternative of `text` (multipart/alternative); see textToHtml() */
  html?: string;
  /** files sent along (multipart/mixed) */
  attachments?: OutgoingAttachment[];
  /** without angle brackets */
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  /** extra headers, e.g. Auto-Submitted */
  headers?: Record<string, string>;
  date?: Date;
}

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The HTML alternative of a plain-text reply: escaped (agents type text, never markup), paragraphs at blank
 * lines, line breaks kept, web and mail addresses made clickable. Mail clients that prefer HTML show this one.
 */
export function textToHtml(text: string): string {
  const link = (s: string) =>
    s.replace(/\b(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])|\b([\w.+-]+@[\w-]+(?:\.[\w-]+)+)\b/g, (_m, url?: string, mail?: string) =>
      url ? `<a href="${url}">${url}</a>` : `<a href="mailto:${mail}">${mail}</a>`,
    );
  const paras = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${link(escapeHtml(p)).replace(/\n/g, '<br>\n')}</p>`);
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px;line-height:1.5">\n${paras.join('\n')}\n</body></html>`;
}

/** A globally unique Message-ID on the sender's domain (threading relies on it being ours). */
export function newMessageId(fromAddress: string): string {
  const domain = fromAddress.split('@')[1] || 'localhost';
  return `${randomUUID()}@${domain}`;
}

const bracket = (id: string) => `<${id}>`;

function options(m: OutgoingMail) {
  return {
    from: m.from.name ? { name: m.from.name, address: m.from.address } : m.from.address,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: m.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    messageId: bracket(m.messageId),
    inReplyTo: m.inReplyTo ? bracket(m.inReplyTo) : undefined,
    references: m.references?.length ? m.references.map(bracket).join(' ') : undefined,
    headers: m.headers,
    date: m.date ?? new Date(),
  };
}

/** The exact RFC 5322 source of a mail, UTF-8 with encoded words where needed; what the outbox shows. */
export async function composeRaw(m: OutgoingMail): Promise<Buffer> {
  const MailComposer = await loadComposer();
  return new MailComposer(options(m)).compile().build();
}

/** Sends the stored raw source through an SMTP server (smtp://host:port or smtps://…). */
export async function sendRaw(smtpUrl: string, envelope: { from: string; to: string }, raw: Buffer): Promise<string> {
  const transport = (await loadMailer()).createTransport(smtpUrl);
  try {
    const info = await transport.sendMail({ envelope, raw });
    return info.response;
  } finally {
    transport.close();
  }
}
