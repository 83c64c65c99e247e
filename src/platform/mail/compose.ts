import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: { address: string; name?: string };
  to: string;
  subject: string;
  text: string;
  /** without angle brackets */
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  /** extra headers, e.g. Auto-Submitted */
  headers?: Record<string, string>;
  date?: Date;
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
    messageId: bracket(m.messageId),
    inReplyTo: m.inReplyTo ? bracket(m.inReplyTo) : undefined,
    references: m.references?.length ? m.references.map(bracket).join(' ') : undefined,
    headers: m.headers,
    date: m.date ?? new Date(),
  };
}

/** The exact RFC 5322 source of a mail, UTF-8 with encoded words where needed; what the outbox shows. */
export async function composeRaw(m: OutgoingMail): Promise<Buffer> {
  return new MailComposer(options(m)).compile().build();
}

/** Sends the stored raw source through an SMTP server (smtp://host:port or smtps://…). */
export async function sendRaw(smtpUrl: string, envelope: { from: string; to: string }, raw: Buffer): Promise<string> {
  const transport = nodemailer.createTransport(smtpUrl);
  try {
    const info = await transport.sendMail({ envelope, raw });
    return info.response;
  } finally {
    transport.close();
  }
}
