import type { AddressObject } from 'mailparser';

// loaded on first use: the package adds megabytes of RSS to every process, and most never use it
let mailparser: Promise<typeof import('mailparser')> | undefined;

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** part of the HTML body (an embedded image referenced by cid:), not a separate download for the reader */
  inline: boolean;
  cid: string | null;
}

/** What the product needs from a message, decoded: charsets (GBK, Big5, …) and RFC 2047 words already resolved. */
export interface ParsedEmail {
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  subject: string;
  from: { address: string | null; name: string | null };
  to: string[];
  date: Date | null;
  text: string;
  /** unsanitised; run sanitizeEmailHtml() before storing it for display */
  html: string | null;
  attachments: ParsedAttachment[];
  /** lower-case header name → raw unfolded value (first occurrence), for loop detection */
  headers: Map<string, string>;
}

/** `<a@b>` tokens of a Message-ID / In-Reply-To / References value, without the brackets. */
export function messageIds(value: string | string[] | undefined | null): string[] {
  const all = Array.isArray(value) ? value.join(' ') : (value ?? '');
  const found = all.match(/<[^<>\s]+>/g)?.map((m) => m.slice(1, -1)) ?? all.split(/\s+/).filter((x) => x.includes('@'));
  return [...new Set(found.map((m) => m.trim().slice(0, 500)).filter(Boolean))];
}

function addresses(v: AddressObject | AddressObject[] | undefined): { address: string | null; name: string | null }[] {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  return list.flatMap((a) => a.value).map((e) => ({ address: e.address?.trim() || null, name: e.name?.trim() || null }));
}

/**
 * Parses a raw RFC 5322 message. mailparser decodes transfer encodings, legacy charsets through iconv-lite
 * and encoded words in subjects and names. cid: links are kept so that inline images can be pointed at our
 * stored files instead of being inlined as data: URIs (which would bloat the stored HTML).
 */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const { simpleParser } = await (mailparser ??= import('mailparser'));
  const m = await simpleParser(raw, { keepCidLinks: true });
  // raw header lines, not m.headers: mailparser folds List-* headers into one structured 'list' entry
  const headers = new Map<string, string>();
  for (const h of m.headerLines) {
    if (headers.has(h.key)) continue;
    const i = h.line.indexOf(':');
    headers.set(h.key, h.line.slice(i + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  const [from] = addresses(m.from);
  const html = typeof m.html === 'string' && m.html.trim() ? m.html : null;
  return {
    messageId: messageIds(m.messageId)[0] ?? null,
    inReplyTo: messageIds(m.inReplyTo),
    references: messageIds(m.references),
    subject: (m.subject ?? '').replace(/\s+/g, ' ').trim(),
    from: from ?? { address: null, name: null },
    to: [...addresses(m.to), ...addresses(m.cc)].map((a) => a.address).filter((a): a is string => !!a),
    date: m.date ?? null,
    text: (m.text ?? '').replace(/\r\n/g, '\n').trim(),
    html,
    attachments: m.attachments.map((a, i) => ({
      filename: a.filename || `attachment-${i + 1}`,
      contentType: a.contentType || 'application/octet-stream',
      content: a.content,
      inline: !!a.related || (a.contentDisposition === 'inline' && !!a.cid && !!html?.includes(`cid:${a.cid}`)),
      cid: a.cid ?? null,
    })),
    headers,
  };
}
