import { and, eq, sql } from 'drizzle-orm';
import { rows, type Db, type Queryable, type Tx } from '../../platform/db/db.ts';
import { enqueueMany, PermanentJobError, type JobContext } from '../../platform/jobs/index.ts';
import { composeRaw, sendRaw } from '../../platform/mail/index.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { loadConfig } from '../../config.ts';
import { getMailSettings } from '../channels/index.ts';
import { systemCtx } from '../../platform/tenancy/ctx.ts';
import { campaignMessages, campaigns } from './campaigns.schema.ts';
import type { MessageChannel, TemplateBodies } from './campaigns.contract.ts';
import { customerFacts, hasConsent } from './customer-data.ts';
import { renderFor, smsText, templateRow } from './templates.service.ts';
import { settingsRow, type SettingsRow } from './settings.service.ts';
import { localDate } from './occasions.ts';
import { addPixel, clickUrl, openPixelUrl, signLink, trackLinks, unsubscribeUrl } from './links.ts';
import { HttpSmsGateway, SmsSendError, type SmsProvider } from './sms.ts';

export const SEND_JOB = 'campaigns.send';
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

/** Test seam: tests may swap the provider factory (the real adapter still goes over HTTP). */
export function smsProviderFor(s: SettingsRow): SmsProvider | null {
  if (!s.smsGatewayUrl) return null;
  return new HttpSmsGateway({ url: s.smsGatewayUrl, auth: s.smsAuth === 'bearer' ? 'bearer' : 'hmac', secret: s.smsSecret });
}

type Decision = { kind: 'done' } | { kind: 'skip'; reason: string } | { kind: 'deliver'; message: MessageRow };

/** Messages sent (or being sent) to this customer within the cap window, over all campaigns. */
async function recentCount(q: Queryable, tenantId: string, customerId: string, days: number, exceptId: string): Promise<number> {
  const [r] = await rows<{ n: number | string }>(
    q,
    sql`select count(*) as n from campaign_messages
         where tenant_id = ${tenantId} and customer_id = ${customerId} and id <> ${exceptId}
           and status in ('sent', 'sending') and coalesce(sent_at, created_at) > now() - make_interval(days => ${days})`,
  );
  return Number(r.n);
}

/**
 * Step 1, in one transaction with the message row locked: skip (consent, address, cap, paused) or render
 * and mark 'sending'. A row already 'sending' is a retry after a failure or a crash: its stored content is
 * delivered again, under the same message id (the SMS Idempotency-Key and the e-mail Message-ID).
 */
async function prepare(db: Db, tenantId: string, messageId: string): Promise<Decision> {
  return db.transaction(async (tx) => {
    const where = and(eq(campaignMessages.tenantId, tenantId), eq(campaignMessages.id, messageId));
    const [m] = await tx.select().from(campaignMessages).where(where).for('update');
    if (!m) throw new PermanentJobError('campaign message not found');
    if (m.status === 'sending') return { kind: 'deliver', message: m };
    if (m.status !== 'queued') return { kind: 'done' };
    const skip = async (reason: string): Promise<Decision> => {
      await tx.update(campaignMessages).set({ status: 'skipped', reason }).where(where);
      return { kind: 'skip', reason };
    };
    const [c] = await tx.select().from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, m.campaignId)));
    if (!c || c.status !== 'active') return skip('campaign_paused');
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
    if (!t) return skip('campaign_paused');
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

async function deliverEmail(db: Db, tenantId: string, m: MessageRow): Promise<string> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  const mail = await getMailSettings(systemCtx(db, tenant));
  const s = await settingsRow(db, tenantId);
  const unsub = unsubscribeUrl(signLink(s.linkSecret, { purpose: 'u', tenantId, subject: m.customerId, extra: 'email' }));
  const domain = mail.fromAddress.split('@')[1] || 'localhost';
  const raw = await composeRaw({
    from: { address: mail.fromAddress, name: mail.fromName || undefined },
    to: m.toAddress!,
    subject: m.subject ?? '',
    text: m.body ?? '',
    html: m.html ?? undefined,
    // stable per message: a re-delivery after a crash carries the same id, so receivers can drop the copy
    messageId: `campaign.${m.id}@${domain}`,
    // RFC 8058 one-click unsubscribe, shown as a button by large mail providers
    headers: { 'List-Unsubscribe': `<${unsub}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' },
  });
  const url = loadConfig().smtpOutUrl;
  if (!url) return 'local';
  return sendRaw(url, { from: mail.fromAddress, to: m.toAddress! }, raw);
}

async function deliverSms(db: Db, tenantId: string, m: MessageRow): Promise<string | null> {
  const s = await settingsRow(db, tenantId);
  const provider = smsProviderFor(s);
  if (!provider) throw new SmsSendError('sms_gateway_not_configured', true);
  const c = await db.select({ templateId: campaigns.templateId }).from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, m.campaignId)));
  const t = c[0]?.templateId ? await templateRow(db, tenantId, c[0].templateId) : undefined;
  // The signature is prepended to the stored text (that is what the customer sees); gateways also want it apart.
  const text = s.smsSignature && m.body?.startsWith(s.smsSignature) ? m.body.slice(s.smsSignature.length) : (m.body ?? '');
  return (await provider.send({ to: m.toAddress!, text, signature: s.smsSignature, templateId: t?.smsTemplateId, idempotencyKey: m.id })).providerRef;
}

/** The send job: prepare, deliver outside any transaction, record the result; failures retry with backoff. */
export async function sendMessageJob(job: JobContext<{ messageId: string }>): Promise<void> {
  const d = await prepare(job.db, job.tenantId, job.payload.messageId);
  if (d.kind !== 'deliver') return;
  const m = d.message;
  const where = and(eq(campaignMessages.tenantId, job.tenantId), eq(campaignMessages.id, m.id), eq(campaignMessages.status, 'sending'));
  await job.db.update(campaignMessages).set({ attempts: sql`${campaignMessages.attempts} + 1` }).where(where);
  try {
    const ref = m.channel === 'sms' ? await deliverSms(job.db, job.tenantId, m) : await deliverEmail(job.db, job.tenantId, m);
    await job.db.update(campaignMessages).set({ status: 'sent', sentAt: new Date(), providerRef: ref, reason: null }).where(where);
  } catch (e) {
    const reason = (e as Error).message.slice(0, 1000);
    const last = job.attempt >= job.maxAttempts || (e instanceof SmsSendError && e.permanent);
    await job.db.update(campaignMessages).set({ status: last ? 'failed' : 'sending', reason }).where(where);
    if (last) throw new PermanentJobError(reason);
    throw e;
  }
}
