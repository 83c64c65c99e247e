import type { Db, Tx } from '../../platform/db/db.ts';
import { enqueue } from '../../platform/jobs/index.ts';
import { storeFile, MAX_FILE_BYTES } from '../../platform/files/index.ts';
import { automatedReason, parseEmail, sanitizeEmailHtml, SmtpRejection, type MailAuthResult, type ParsedEmail, type SmtpEnvelope } from '../../platform/mail/index.ts';
import { fileUrl } from './channels.contract.ts';
import { inboundEmails } from './channels.schema.ts';
import { mailSettingsRow, tenantForRecipient, type TenantRow } from './mail-settings.service.ts';

export const PROCESS_EMAIL_JOB = 'channels.email_process';

export interface StoredAttachment {
  fileId: string;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
  cid: string | null;
}

export interface IngestEnvelope extends Partial<SmtpEnvelope> {
  source?: 'smtp' | 'imap' | 'import';
  /** IMAP folder/uidvalidity/uid: a second delivery of the same key is ignored */
  sourceKey?: string;
  /** SPF/DKIM/DMARC verdicts from the SMTP listener; null/absent: not checked (IMAP, import, checks off) */
  auth?: MailAuthResult | null;
}

export class UnknownRecipientError extends Error {}

/** Bounded, and without NUL characters, which PostgreSQL text cannot hold (seen in broken mail). */
// eslint-disable-next-line no-control-regex
const cap = (s: string | null | undefined, n: number) => (s ? s.replace(/\u0000/g, '').slice(0, n) : s);

/** A message mailparser could not read is still kept (raw), marked failed, for an admin to look at. */
async function tryParse(raw: Buffer): Promise<{ parsed: ParsedEmail | null; error: string | null }> {
  try {
    return { parsed: await parseEmail(raw), error: null };
  } catch (e) {
    return { parsed: null, error: `unparseable: ${(e as Error).message}`.slice(0, 1000) };
  }
}

/** Why this message must get no auto-reply; an SMTP delivery with MAIL FROM:<> is a bounce. */
function automatedOf(parsed: ParsedEmail | null, env: IngestEnvelope): string | null {
  if (!parsed) return 'unparseable';
  if (env.source === 'smtp' && !env.mailFrom) return 'null envelope sender';
  return automatedReason(parsed.headers, parsed.from.address ?? env.mailFrom ?? null);
}

/**
 * Stores one message for one tenant in the caller's transaction: attachments as files, sanitised HTML
 * (cid: images pointed at the stored files), raw source, and the job that turns it into a ticket message.
 * Returns the inbound id, or null when the source key was already taken in (IMAP re-poll).
 */
async function storeForTenant(tx: Tx, tenantId: string, raw: Buffer, p: { parsed: ParsedEmail | null; error: string | null }, env: IngestEnvelope): Promise<string | null> {
  const parsed = p.parsed;
  const stored: StoredAttachment[] = [];
  const cidUrls = new Map<string, string>();
  for (const a of parsed?.attachments ?? []) {
    if (a.content.length > MAX_FILE_BYTES) continue; // bounded by the SMTP limit anyway
    const f = await storeFile(tx, tenantId, { filename: a.filename, contentType: a.contentType, data: a.content });
    stored.push({ fileId: f.id, filename: f.filename, contentType: f.contentType, size: f.size, inline: a.inline, cid: a.cid });
    if (a.cid) cidUrls.set(a.cid, fileUrl(f.id));
  }
  const [row] = await tx
    .insert(inboundEmails)
    .values({
      tenantId,
      source: env.source ?? 'smtp',
      sourceKey: env.sourceKey ?? null,
      envelopeFrom: cap(env.mailFrom, 320) ?? null,
      envelopeTo: (env.rcptTo ?? []).map((r) => r.slice(0, 320)),
      raw,
      size: raw.length,
      messageId: cap(parsed?.messageId, 500) ?? null,
      inReplyTo: parsed?.inReplyTo.slice(0, 20).map((x) => cap(x, 500)!) ?? [],
      references: parsed?.references.slice(-50).map((x) => cap(x, 500)!) ?? [],
      subject: cap(parsed?.subject, 300) ?? '',
      fromAddress: cap(parsed?.from.address?.toLowerCase(), 320) ?? cap(env.mailFrom?.toLowerCase(), 320) ?? null,
      fromName: cap(parsed?.from.name, 200) ?? null,
      text: cap(parsed?.text, 100_000) ?? '',
      html: parsed?.html ? cap(sanitizeEmailHtml(parsed.html, { cidUrls }), 1_000_000) : null,
      attachments: stored,
      automated: automatedOf(parsed, env),
      remoteIp: cap(env.remoteAddress, 100) ?? null,
      helo: cap(env.helo, 255) ?? null,
      authSpf: env.auth?.spf ?? null,
      authDkim: env.auth?.dkim ?? null,
      authDmarc: env.auth?.dmarc ?? null,
      authResults: env.auth?.header ?? null,
      status: parsed ? 'received' : 'failed',
      error: p.error,
    })
    .onConflictDoNothing({ target: [inboundEmails.tenantId, inboundEmails.sourceKey] })
    .returning({ id: inboundEmails.id });
  if (!row) return null;
  if (parsed) await enqueue(tx, { tenantId, name: PROCESS_EMAIL_JOB, payload: { inboundId: row.id }, dedupeKey: `email:${row.id}`, maxAttempts: 10 });
  return row.id;
}

/**
 * Entry point of every inbound message (SMTP, IMAP, import/bench). Everything is written in one transaction
 * and only then does the caller answer 250: a crash afterwards leaves a stored message and a queued job,
 * which the worker processes when it runs again. One copy per tenant addressed.
 */
export async function ingestEmail(db: Db, raw: Buffer, envelope: IngestEnvelope & { rcptTo: string[] }): Promise<string[]> {
  const byTenant = new Map<string, TenantRow>();
  for (const rcpt of envelope.rcptTo) {
    const t = await tenantForRecipient(db, rcpt);
    if (t) byTenant.set(t.id, t);
  }
  if (byTenant.size === 0) throw new UnknownRecipientError(`no tenant for ${envelope.rcptTo.join(', ')}`);
  const wanted = await acceptingTenants(db, [...byTenant.keys()], envelope.auth);
  if (wanted.length === 0) throw new SmtpRejection(550, `5.7.1 Message rejected: DMARC check failed for the sender's domain (policy ${envelope.auth?.dmarcPolicy})`);
  return ingestForTenants(db, wanted, raw, envelope);
}

/** Whether a tenant refuses this message: its policy says reject and the From domain fails DMARC while asking for enforcement. */
export function rejectsByDmarc(policy: string, auth: MailAuthResult | null | undefined): boolean {
  return policy === 'reject' && auth?.dmarc === 'fail' && (auth.dmarcPolicy === 'reject' || auth.dmarcPolicy === 'quarantine');
}

/** The addressed tenants that take the message (a tenant on 'accept' stores it with the failed verdict shown). */
async function acceptingTenants(db: Db, tenantIds: string[], auth: MailAuthResult | null | undefined): Promise<string[]> {
  if (auth?.dmarc !== 'fail') return tenantIds;
  const out: string[] = [];
  for (const id of tenantIds) if (!rejectsByDmarc((await mailSettingsRow(db, id)).dmarcPolicy, auth)) out.push(id);
  return out;
}

/** Same as ingestEmail for a known tenant (IMAP mailboxes belong to one tenant; no RCPT routing). */
export async function ingestForTenants(db: Db, tenantIds: string[], raw: Buffer, envelope: IngestEnvelope): Promise<string[]> {
  const p = await tryParse(raw);
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (const tenantId of tenantIds) {
      const id = await storeForTenant(tx, tenantId, raw, p, envelope);
      if (id) ids.push(id);
    }
    return ids;
  });
}
