import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { rows, type Db, type Queryable, type Tx } from '../../platform/db/db.ts';
import { enqueueMany, PermanentJobError, type JobContext } from '../../platform/jobs/index.ts';
import { composeRaw, sendRaw } from '../../platform/mail/index.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { loadConfig } from '../../config.ts';
import { getMailSettings, storeLocalMail, type LocalMailInput } from '../channels/index.ts';
import { systemCtx } from '../../platform/tenancy/ctx.ts';
import { campaignMessages, campaigns } from './campaigns.schema.ts';
import type { MessageChannel, TemplateBodies } from './campaigns.contract.ts';
import { customerFacts, hasConsent } from './customer-data.ts';
import { renderFor, smsText, templateRow } from './templates.service.ts';
import { settingsRow, type SettingsRow } from './settings.service.ts';
import { localDate } from './occasions.ts';
import { addPixel, clickUrl, openPixelUrl, signLink, trackLinks, unsubscribeUrl } from './links.ts';
import { HttpSmsGateway, SmsSendError, type SmsProvider } from './sms.ts';
import { decryptSecret } from '../../platform/crypto/secrets.ts';
import { checkTargetHost, PrivateTargetError, urlHost } from '../../platform/net/private-targets.ts';

export const SEND_JOB = 'campaigns.send';
/** the skip reason of a message whose job ran while its campaign was not active: such messages resume */
const PAUSED = 'campaign_paused';
/** an e-mail attempt that started and never recorded an outcome: it may have gone out, so it is not repeated */
const INTERRUPTED = 'interrupted_unknown';
type MessageRow = typeof campaignMessages.$inferSelect;

export interface Occasion {
  customerId: string;
  occasionKey: string;
  vars?: Record<string, string>;
}

/**
 * Claims occasions for a campaign: the unique (campaign, customer, occasion) row is inserted first, and a
 * send job only for rows that are new, in the same transaction. Re-running a fan-out (job retry, restart,
 * second daily run) finds the rows there and queues nothing again.
 */
export async function queueOccasions(tx: Tx, tenantId: string, campaign: { id: string; channel: string }, items: Occasion[]): Promise<number> {
  if (items.length === 0) return 0;
  const inserted = await tx
    .insert(campaignMessages)
    .values(items.map((o) => ({ tenantId, campaignId: campaign.id, customerId: o.customerId, occasionKey: o.occasionKey, channel: campaign.channel, vars: o.vars ?? {} })))
    .onConflictDoNothing({ target: [campaignMessages.tenantId, campaignMessages.campaignId, campaignMessages.customerId, campaignMessages.occasionKey] })
    .returning({ id: campaignMessages.id });
  await enqueueMany(
    tx,
    inserted.map((r) => ({ tenantId, name: SEND_JOB, payload: { messageId: r.id }, dedupeKey: `campaign-msg:${r.id}`, maxAttempts: 5 })),
  );
  return inserted.length;
}

/**
 * On resume: messages the pause skipped go back to the queue with a send job each, in the caller's
 * transaction (the one that makes the campaign active). It is the same occasion row, so the customer still
 * gets at most one message for it; `round` (the campaign version after the start) keys the jobs apart from
 * the first ones, and a second resume finds no skipped rows left to queue.
 */
export async function requeuePaused(tx: Tx, tenantId: string, campaignId: string, round: number, maxAgeDays: number | null = null): Promise<number> {
  const back = await tx
    .update(campaignMessages)
    .set({ status: 'queued', reason: null })
    .where(
      and(
        eq(campaignMessages.tenantId, tenantId),
        eq(campaignMessages.campaignId, campaignId),
        eq(campaignMessages.status, 'skipped'),
        eq(campaignMessages.reason, PAUSED),
        // only messages have send jobs ('call' rows log follow-ups that were not created)
        inArray(campaignMessages.channel, ['email', 'sms']),
        maxAgeDays === null ? undefined : sql`${campaignMessages.createdAt} > now() - make_interval(days => ${maxAgeDays})`,
      ),
    )
    .returning({ id: campaignMessages.id });
  await enqueueMany(
    tx,
    back.map((r) => ({ tenantId, name: SEND_JOB, payload: { messageId: r.id }, dedupeKey: `campaign-msg:${r.id}:resume:${round}`, maxAttempts: 5 })),
  );
  return back.length;
}

/** Test seam: tests may swap the provider factory (the real adapter still goes over HTTP). */
export function smsProviderFor(s: SettingsRow): SmsProvider | null {
  if (!s.smsGatewayUrl) return null;
  return new HttpSmsGateway({ url: s.smsGatewayUrl, auth: s.smsAuth === 'bearer' ? 'bearer' : 'hmac', secret: s.smsSecret ? decryptSecret(s.smsSecret) : null });
}

export type Decision = { kind: 'done' } | { kind: 'skip'; reason: string } | { kind: 'deliver'; message: MessageRow };

/** Messages sent (or being sent, or perhaps sent: interrupted) to this customer within the cap window, over all campaigns. */
async function recentCount(q: Queryable, tenantId: string, customerId: string, days: number, exceptId: string): Promise<number> {
  const [r] = await rows<{ n: number | string }>(
    q,
    sql`select count(*) as n from campaign_messages
         where tenant_id = ${tenantId} and customer_id = ${customerId} and id <> ${exceptId}
           and (status in ('sent', 'sending') or (status = 'failed' and reason = ${INTERRUPTED}))
           and coalesce(sent_at, created_at) > now() - make_interval(days => ${days})`,
  );
  return Number(r.n);
}

/**
 * Step 1, in one transaction with the message row locked: skip (consent, address, cap, paused) or render
 * and mark 'sending'. A row already 'sending' is a retry; its stored content goes again under the same
 * message id (the SMS Idempotency-Key and the e-mail Message-ID) unless its last attempt was interrupted.
 *
 * How a retry tells the two apart: `attempts` counts attempts started and each start clears `reason`, just
 * before the message goes over the wire; the catch block of a failed attempt writes its reason. So 'sending'
 * with attempts > 0 and no reason is an attempt whose outcome was never written: the process died while the
 * relay or gateway had it, or right after it accepted. SMS goes again (the gateway drops the second copy by
 * its key); e-mail has no such dedupe and a campaign must never mail anyone twice, so it is marked failed
 * (`interrupted_unknown`) and not sent again.
 */
export async function prepare(db: Db, tenantId: string, messageId: string): Promise<Decision> {
  return db.transaction(async (tx) => {
    const where = and(eq(campaignMessages.tenantId, tenantId), eq(campaignMessages.id, messageId));
    const [m] = await tx.select().from(campaignMessages).where(where).for('update');
    if (!m) throw new PermanentJobError('campaign message not found');
    if (m.status === 'sending') {
      if (m.channel !== 'email' || m.attempts === 0 || m.reason !== null) return { kind: 'deliver', message: m };
      await tx.update(campaignMessages).set({ status: 'failed', reason: INTERRUPTED }).where(where);
      return { kind: 'skip', reason: INTERRUPTED };
    }
    if (m.status !== 'queued') return { kind: 'done' };
    const skip = async (reason: string): Promise<Decision> => {
      await tx.update(campaignMessages).set({ status: 'skipped', reason }).where(where);
      return { kind: 'skip', reason };
    };
    const [c] = await tx.select().from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, m.campaignId)));
    if (!c || c.status !== 'active') return skip(PAUSED);
    const channel = m.channel as MessageChannel;
    const customer = (await customerFacts(tx, tenantId, [m.customerId])).get(m.customerId);
    if (!customer) return skip('no_address');
    if (!(await hasConsent(tx, tenantId, m.customerId, channel))) return skip('no_consent');
    const to = channel === 'email' ? customer.email : customer.phone;
    if (!to) return skip('no_address');
    const s = await settingsRow(tx, tenantId);
    // Serialise sends per customer so that two campaigns cannot both slip under the cap.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`campaign-cap:${tenantId}:${m.customerId}`}))`);
    if ((await recentCount(tx, tenantId, m.customerId, s.capWindowDays, m.id)) >= s.capMessages) return skip('capped');
    const t = c.templateId ? await templateRow(tx, tenantId, c.templateId) : undefined;
    if (!t) return skip(PAUSED);
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
    const r = await renderFor(tx, tenantId, { channel, bodies: t.bodies as TemplateBodies, customer, vars: m.vars as Record<string, string>, tenantName: tenant.name, today: localDate(new Date(), tenant.timeZone) });
    let html = r.html;
    if (html) {
      // the same (deterministic) link the template's {{unsubscribeUrl}} received: it stays untracked
      const unsubUrl = unsubscribeUrl(signLink(s.linkSecret, { purpose: 'u', tenantId, subject: m.customerId, extra: channel }));
      html = trackLinks(html, (url) => clickUrl(signLink(s.linkSecret, { purpose: 'c', tenantId, subject: m.id, extra: url })), unsubUrl);
      html = addPixel(html, openPixelUrl(signLink(s.linkSecret, { purpose: 'o', tenantId, subject: m.id, extra: '' })));
    }
    const text = channel === 'sms' ? smsText(r.text, s.smsSignature) : r.text;
    const [row] = await tx.update(campaignMessages).set({ status: 'sending', toAddress: to, locale: r.locale, subject: r.subject || null, body: text, html, reason: null }).where(where).returning();
    return { kind: 'deliver', message: row };
  });
}

/** A message as handed to its transport: the provider's reference, or the composed mail kept for the local outbox. */
export type Transmitted = { ref: string | null; local?: undefined } | { ref: 'local'; local: LocalMailInput };

const sendingWhere = (tenantId: string, id: string) => and(eq(campaignMessages.tenantId, tenantId), eq(campaignMessages.id, id), eq(campaignMessages.status, 'sending'));

/**
 * Marks the attempt started (see prepare) right before the wire. False when the row is no longer 'sending'
 * (another run settled it): then nothing may be sent.
 */
async function startAttempt(db: Db, tenantId: string, m: MessageRow): Promise<boolean> {
  const r = await db.update(campaignMessages).set({ attempts: sql`${campaignMessages.attempts} + 1`, reason: null }).where(sendingWhere(tenantId, m.id)).returning({ id: campaignMessages.id });
  return r.length > 0;
}

async function transmitEmail(db: Db, tenantId: string, m: MessageRow): Promise<Transmitted | null> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  const mail = await getMailSettings(systemCtx(db, tenant));
  const s = await settingsRow(db, tenantId);
  const unsub = unsubscribeUrl(signLink(s.linkSecret, { purpose: 'u', tenantId, subject: m.customerId, extra: 'email' }));
  const domain = mail.fromAddress.split('@')[1] || 'localhost';
  // stable per message: the outbox, the relay's log and the receiver see the same id for this campaign message
  const messageId = `campaign.${m.id}@${domain}`;
  const raw = await composeRaw({
    from: { address: mail.fromAddress, name: mail.fromName || undefined },
    to: m.toAddress!,
    subject: m.subject ?? '',
    text: m.body ?? '',
    html: m.html ?? undefined,
    messageId,
    // RFC 8058 one-click unsubscribe, shown as a button by large mail providers
    headers: { 'List-Unsubscribe': `<${unsub}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' },
  });
  const url = loadConfig().smtpOutUrl;
  // embedded default: nothing leaves the process; the outbox row is written together with 'sent' (recordSent)
  if (!url) return { ref: 'local', local: { kind: 'campaign', fromAddress: mail.fromAddress, to: m.toAddress!, subject: m.subject ?? '', messageId, raw } };
  if (!(await startAttempt(db, tenantId, m))) return null;
  return { ref: await sendRaw(url, { from: mail.fromAddress, to: m.toAddress! }, raw) };
}

async function transmitSms(db: Db, tenantId: string, m: MessageRow): Promise<Transmitted | null> {
  const s = await settingsRow(db, tenantId);
  const provider = smsProviderFor(s);
  if (!provider) throw new SmsSendError('sms_gateway_not_configured', true);
  // checked on save too; again here because a name can resolve elsewhere by now, or the rule was tightened since
  await checkTargetHost(urlHost(s.smsGatewayUrl!), { allowPrivate: loadConfig().allowPrivateTargets }).catch((e: unknown) => {
    throw e instanceof PrivateTargetError ? new SmsSendError(`sms_gateway_private_target: ${e.host} → ${e.address}`, true) : e;
  });
  const c = await db.select({ templateId: campaigns.templateId }).from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, m.campaignId)));
  const t = c[0]?.templateId ? await templateRow(db, tenantId, c[0].templateId) : undefined;
  // The signature is prepended to the stored text (that is what the customer sees); gateways also want it apart.
  const text = s.smsSignature && m.body?.startsWith(s.smsSignature) ? m.body.slice(s.smsSignature.length) : (m.body ?? '');
  if (!(await startAttempt(db, tenantId, m))) return null;
  return { ref: (await provider.send({ to: m.toAddress!, text, signature: s.smsSignature, templateId: t?.smsTemplateId, idempotencyKey: m.id })).providerRef };
}

/**
 * Step 2: hands a prepared message to its transport (SMTP relay, SMS gateway) without recording the outcome;
 * null when another run settled the message meanwhile. Kept apart from recordSent so that a test can stand
 * for a process that died in between.
 */
export async function transmit(db: Db, tenantId: string, m: MessageRow): Promise<Transmitted | null> {
  return m.channel === 'sms' ? transmitSms(db, tenantId, m) : transmitEmail(db, tenantId, m);
}

/**
 * Step 3: the outcome. A local e-mail becomes its outbox row in the same transaction, and counts its attempt
 * there (nothing left the process before, so there was nothing to guard). 'sent' also replaces an
 * `interrupted_unknown` set meanwhile by a retry that took this run for dead: it did go out.
 */
export async function recordSent(db: Db, tenantId: string, m: MessageRow, t: Transmitted): Promise<void> {
  const unsettled = or(eq(campaignMessages.status, 'sending'), and(eq(campaignMessages.status, 'failed'), eq(campaignMessages.reason, INTERRUPTED)));
  const where = and(eq(campaignMessages.tenantId, tenantId), eq(campaignMessages.id, m.id), unsettled);
  await db.transaction(async (tx) => {
    const attempt = t.local ? { attempts: sql`${campaignMessages.attempts} + 1` } : {};
    const done = await tx.update(campaignMessages).set({ status: 'sent', sentAt: new Date(), providerRef: t.ref, reason: null, ...attempt }).where(where).returning({ id: campaignMessages.id });
    if (done.length && t.local) await storeLocalMail(tx, tenantId, t.local);
  });
}

/** The send job: prepare, deliver outside any transaction, record the result; failures retry with backoff. */
export async function sendMessageJob(job: JobContext<{ messageId: string }>): Promise<void> {
  const d = await prepare(job.db, job.tenantId, job.payload.messageId);
  if (d.kind !== 'deliver') return;
  const m = d.message;
  try {
    const t = await transmit(job.db, job.tenantId, m);
    if (t) await recordSent(job.db, job.tenantId, m, t);
  } catch (e) {
    // a reason is always written: an attempt without one reads as interrupted (see prepare)
    const reason = (e as Error).message.slice(0, 1000) || 'delivery_error';
    const last = job.attempt >= job.maxAttempts || (e instanceof SmsSendError && e.permanent);
    await job.db.update(campaignMessages).set({ status: last ? 'failed' : 'sending', reason }).where(sendingWhere(job.tenantId, m.id));
    if (last) throw new PermanentJobError(reason);
    throw e;
  }
}
