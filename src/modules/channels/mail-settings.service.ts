import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { fieldError } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { deleteSchedule, upsertSchedule } from '../../platform/jobs/index.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { loadConfig } from '../../config.ts';
import { t as translate } from '../../platform/i18n/i18n.ts';
import { encryptSecret } from '../../platform/crypto/secrets.ts';
import { encryptPlainColumn } from '../../platform/crypto/encrypt-plain.ts';
import { checkTargetHost, PrivateTargetError } from '../../platform/net/private-targets.ts';
import { normaliseEmail } from '../customers/index.ts';
import { mailAddresses, mailSettings } from './channels.schema.ts';
import { autoReplyPlaceholders, type MailSettings, type UpdateMailSettings } from './channels.contract.ts';

export type MailSettingsRow = typeof mailSettings.$inferSelect;
export type TenantRow = typeof tenants.$inferSelect;

export const IMAP_POLL_JOB = 'channels.imap_poll';
const imapScheduleKey = 'channels.imap_poll';

/** Cron for "every N minutes": the minute field only goes to 59, longer intervals become whole hours. */
export function imapCron(minutes: number): string {
  if (minutes < 60) return `*/${Math.max(1, minutes)} * * * *`;
  const hours = Math.min(24, Math.round(minutes / 60));
  return hours >= 24 ? '0 0 * * *' : `0 */${hours} * * *`;
}

/** The address every tenant has without configuration: support@<slug>.<MAIL_DOMAIN>. */
export function defaultAddress(slug: string, mailDomain = loadConfig().mailDomain): string {
  return `support@${slug.toLowerCase()}.${mailDomain}`;
}

async function tenantRow(q: Queryable, tenantId: string): Promise<TenantRow> {
  const [t] = await q.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!t) throw new Error(`tenant ${tenantId} not found`);
  return t;
}

async function insertDefaults(tx: Queryable, tenantId: string): Promise<MailSettingsRow> {
  const t = await tenantRow(tx, tenantId);
  await tx.insert(mailSettings).values({ tenantId, fromAddress: defaultAddress(t.slug), fromName: t.name }).onConflictDoNothing();
  const [row] = await tx.select().from(mailSettings).where(eq(mailSettings.tenantId, tenantId));
  return row;
}

/** Idempotent: the tenant's settings row with defaults (for the seed and for first use). */
export async function ensureDefaultMailSettings(ctx: Ctx): Promise<MailSettings> {
  return ctx.tx(async (tx) => toSettings(await insertDefaults(tx, ctx.tenantId), await addressesOf(tx, ctx.tenantId), await tenantRow(tx, ctx.tenantId)));
}

/** Settings as the mail code needs them, created with defaults on first use. */
export async function mailSettingsRow(q: Queryable, tenantId: string): Promise<MailSettingsRow> {
  const [row] = await q.select().from(mailSettings).where(eq(mailSettings.tenantId, tenantId));
  return row ?? insertDefaults(q, tenantId);
}

export async function addressesOf(q: Queryable, tenantId: string): Promise<string[]> {
  const rs = await q.select({ a: mailAddresses.address }).from(mailAddresses).where(eq(mailAddresses.tenantId, tenantId)).orderBy(mailAddresses.address);
  return rs.map((r) => r.a);
}

const tenantLocale = (t: TenantRow) => (t.defaultLocale === 'en' ? 'en' : 'zh-CN');

/** The relay as host:port, never with its credentials. */
function relayName(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return '(invalid SMTP_OUT_URL)';
  }
}

function toSettings(r: MailSettingsRow, addresses: string[], t: TenantRow): MailSettings {
  const config = loadConfig();
  const placeholders = { number: '{{number}}', subject: '{{subject}}', name: '{{name}}' };
  return {
    fromAddress: r.fromAddress,
    fromName: r.fromName,
    autoReply: r.autoReply,
    autoReplySubject: r.autoReplySubject,
    autoReplyBody: r.autoReplyBody,
    defaultAutoReply: { subject: translate(tenantLocale(t), 'mail.auto_reply.subject', placeholders), body: translate(tenantLocale(t), 'mail.auto_reply.body', placeholders) },
    dmarcPolicy: r.dmarcPolicy === 'reject' ? 'reject' : 'accept',
    outgoing: { transport: config.smtpOutUrl ? 'smtp' : 'local', relay: relayName(config.smtpOutUrl) },
    incoming: { starttls: !!(config.smtpTlsKey && config.smtpTlsCert), authChecks: config.mailAuthEnabled },
    addresses,
    defaultAddress: defaultAddress(t.slug),
    imap: {
      enabled: r.imapEnabled,
      host: r.imapHost,
      port: r.imapPort,
      tls: r.imapTls,
      user: r.imapUser,
      passwordSet: !!r.imapPassword,
      folder: r.imapFolder,
      intervalMinutes: r.imapIntervalMinutes,
    },
    version: r.version,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function getMailSettings(ctx: Ctx): Promise<MailSettings> {
  return ensureDefaultMailSettings(ctx);
}

/** A template may only use the known placeholders: a typo like {{numbr}} would reach customers verbatim. */
function checkTemplate(path: string, text: string | null | undefined): void {
  for (const m of (text ?? '').matchAll(/\{\{\s*(\w*)\s*\}\}/g)) {
    if (!(autoReplyPlaceholders as readonly string[]).includes(m[1])) {
      throw fieldError(path, 'mail_template_placeholder', 422, { placeholder: m[0], allowed: autoReplyPlaceholders.map((p) => `{{${p}}}`).join(' ') });
    }
  }
}

/** The mailbox server is chosen by the tenant admin: not an address in the platform's own network. */
async function checkImapHost(host: string | null | undefined): Promise<void> {
  if (!host) return;
  try {
    await checkTargetHost(host, { allowPrivate: loadConfig().allowPrivateTargets });
  } catch (e) {
    if (e instanceof PrivateTargetError) throw fieldError('imap.host', 'private_target', 422, { host: e.host, address: e.address });
    throw e;
  }
}

export async function updateMailSettings(ctx: Ctx, input: UpdateMailSettings): Promise<MailSettings> {
  checkTemplate('autoReplySubject', input.autoReplySubject);
  checkTemplate('autoReplyBody', input.autoReplyBody);
  await checkImapHost(input.imap?.host);
  return ctx.tx(async (tx) => {
    await insertDefaults(tx, ctx.tenantId);
    const [current] = await tx.select().from(mailSettings).where(eq(mailSettings.tenantId, ctx.tenantId)).for('update');
    checkVersion(current, input.version, 'mail_settings');
    const t = await tenantRow(tx, ctx.tenantId);
    const im = input.imap ?? {};
    const patch = {
      ...(input.fromAddress !== undefined ? { fromAddress: input.fromAddress } : {}),
      ...(input.fromName !== undefined ? { fromName: input.fromName } : {}),
      ...(input.autoReply !== undefined ? { autoReply: input.autoReply } : {}),
      ...(input.autoReplySubject !== undefined ? { autoReplySubject: input.autoReplySubject } : {}),
      ...(input.autoReplyBody !== undefined ? { autoReplyBody: input.autoReplyBody } : {}),
      ...(input.dmarcPolicy !== undefined ? { dmarcPolicy: input.dmarcPolicy } : {}),
      ...(im.enabled !== undefined ? { imapEnabled: im.enabled } : {}),
      ...(im.host !== undefined ? { imapHost: im.host } : {}),
      ...(im.port !== undefined ? { imapPort: im.port } : {}),
      ...(im.tls !== undefined ? { imapTls: im.tls } : {}),
      ...(im.user !== undefined ? { imapUser: im.user } : {}),
      ...(im.password !== undefined ? { imapPassword: im.password ? encryptSecret(im.password) : im.password } : {}),
      ...(im.folder !== undefined ? { imapFolder: im.folder, imapCursor: null } : {}),
      ...(im.intervalMinutes !== undefined ? { imapIntervalMinutes: im.intervalMinutes } : {}),
    };
    const [row] = await tx
      .update(mailSettings)
      .set({ ...patch, version: sql`${mailSettings.version} + 1`, updatedAt: new Date() })
      .where(eq(mailSettings.tenantId, ctx.tenantId))
      .returning();
    if (row.imapEnabled && !(row.imapHost && row.imapUser)) throw fieldError('imap.host', 'imap_incomplete', 422);
    if (input.addresses) await replaceAddresses(tx, ctx.tenantId, input.addresses);
    if (row.imapEnabled) {
      await upsertSchedule(tx, { tenantId: ctx.tenantId, key: imapScheduleKey, cron: imapCron(row.imapIntervalMinutes), timeZone: 'UTC', jobName: IMAP_POLL_JOB });
    } else {
      await deleteSchedule(tx, ctx.tenantId, imapScheduleKey);
    }
    const after = toSettings(row, await addressesOf(tx, ctx.tenantId), t);
    await writeAudit(tx, ctx, { action: 'updated', entityType: 'mail_settings', entityId: ctx.tenantId, before: { fromAddress: current.fromAddress, autoReply: current.autoReply, dmarcPolicy: current.dmarcPolicy }, after });
    return after;
  });
}

/**
 * An inbound address routes mail to exactly one tenant. The check runs under a transaction-scoped advisory
 * lock so that two tenants cannot claim the same address at the same moment.
 */
async function replaceAddresses(tx: Tx, tenantId: string, wanted: string[]): Promise<void> {
  const list = [...new Set(wanted.map((a) => normaliseEmail(a) ?? a.toLowerCase()))];
  await tx.execute(sql`select pg_advisory_xact_lock(727274101)`);
  if (list.length) {
    const taken = await tx
      .select({ a: mailAddresses.address })
      .from(mailAddresses)
      .where(and(inArray(mailAddresses.address, list), ne(mailAddresses.tenantId, tenantId)));
    if (taken.length) throw fieldError('addresses', 'mail_address_taken', 409, { addresses: taken.map((x) => x.a).join(', ') });
  }
  await tx.delete(mailAddresses).where(eq(mailAddresses.tenantId, tenantId));
  if (list.length) await tx.insert(mailAddresses).values(list.map((address) => ({ tenantId, address })));
}

/** The tenant an inbound recipient belongs to: a configured address, else support@<slug>.<MAIL_DOMAIN>. */
export async function tenantForRecipient(db: Queryable, address: string, mailDomain = loadConfig().mailDomain): Promise<TenantRow | undefined> {
  const a = address.trim().toLowerCase();
  const [hit] = await db.select({ tenantId: mailAddresses.tenantId }).from(mailAddresses).where(eq(mailAddresses.address, a)).limit(1);
  if (hit) return tenantRow(db, hit.tenantId);
  const m = /^support@([a-z0-9-]+)\.(.+)$/.exec(a);
  if (!m || m[2] !== mailDomain) return undefined;
  const [t] = await db.select().from(tenants).where(sql`lower(${tenants.slug}) = ${m[1]}`);
  return t;
}

/** Addresses of our own (inbound and From) for a tenant: mail from them is never answered (loop guard). */
export async function ownAddresses(q: Queryable, tenantId: string, slug: string): Promise<Set<string>> {
  const s = await mailSettingsRow(q, tenantId);
  return new Set([...(await addressesOf(q, tenantId)), defaultAddress(slug), s.fromAddress.toLowerCase()]);
}

/** Start-up step: IMAP passwords saved in plain text before encryption existed are encrypted in place (all tenants). */
export function encryptPlainImapPasswords(db: Queryable): Promise<number> {
  return encryptPlainColumn(db, mailSettings, [mailSettings.tenantId], mailSettings.imapPassword);
}
