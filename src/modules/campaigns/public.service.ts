import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/db.ts';
import { systemCtx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { campaignMessages } from './campaigns.schema.ts';
import { peekLink, verifyLink, type LinkClaims, type LinkPurpose } from './links.ts';
import { settingsRow } from './settings.service.ts';
import { customerFacts, withdrawConsent } from './customer-data.ts';

/** The public ends of campaign links: no sign-in, the signed token is the authority. */
async function checked(db: Db, token: string, purpose: LinkPurpose): Promise<LinkClaims | null> {
  const c = peekLink(token);
  if (!c || c.purpose !== purpose) return null;
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, c.tenantId));
  if (!tenant) return null;
  return verifyLink((await settingsRow(db, c.tenantId)).linkSecret, token) ? c : null;
}

export interface UnsubscribeResult {
  ok: boolean;
  locale: 'zh-CN' | 'en';
  tenantName: string;
}

/**
 * One-click unsubscribe: withdraws the marketing consent of the link's channel (source unsubscribe_link),
 * audited as the customer's own act. Repeating it changes nothing and still says "done".
 */
export async function unsubscribe(db: Db, token: string): Promise<UnsubscribeResult> {
  const c = await checked(db, token, 'u');
  if (!c || (c.extra !== 'email' && c.extra !== 'sms')) return { ok: false, locale: 'zh-CN', tenantName: '' };
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, c.tenantId));
  const customer = (await customerFacts(db, c.tenantId, [c.subject])).get(c.subject);
  if (!customer) return { ok: false, locale: tenant.defaultLocale === 'en' ? 'en' : 'zh-CN', tenantName: tenant.name };
  // audited as the customer's own act, with no role: the signed link is the only authority
  const ctx = { ...systemCtx(db, tenant), actor: { userId: null, tokenId: null, name: 'customer (unsubscribe link)', roles: [] } };
  const channel = c.extra;
  await db.transaction((tx) => withdrawConsent(tx, ctx, c.subject, channel, 'unsubscribe_link'));
  return { ok: true, locale: customer.language === 'en' ? 'en' : 'zh-CN', tenantName: tenant.name };
}

/** Open pixel: the first open is kept (mail clients reload images; it stays one open). */
export async function recordOpen(db: Db, token: string): Promise<void> {
  const c = await checked(db, token, 'o');
  if (!c) return;
  await db
    .update(campaignMessages)
    .set({ openedAt: sql`now()` })
    .where(and(eq(campaignMessages.tenantId, c.tenantId), eq(campaignMessages.id, c.subject), isNull(campaignMessages.openedAt)));
}

/** Click redirect: the target is inside the signature, so the route cannot be used as an open redirect. */
export async function recordClick(db: Db, token: string): Promise<string | null> {
  const c = await checked(db, token, 'c');
  if (!c || !/^https?:\/\//.test(c.extra)) return null;
  // a click implies the mail was opened even when images were blocked
  await db
    .update(campaignMessages)
    .set({ clickedAt: sql`coalesce(${campaignMessages.clickedAt}, now())`, openedAt: sql`coalesce(${campaignMessages.openedAt}, now())` })
    .where(and(eq(campaignMessages.tenantId, c.tenantId), eq(campaignMessages.id, c.subject)));
  return c.extra;
}
