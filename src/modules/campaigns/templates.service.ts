import { and, asc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { AppError, notFound, type FieldError } from '../../platform/http/errors.ts';
import { campaignTemplates } from './campaigns.schema.ts';
import { templateVariables, type CampaignTemplate, type CreateTemplate, type RenderedMessage, type RenderTemplate, type TemplateBodies, type UpdateTemplate } from './campaigns.contract.ts';
import { pickLocale, renderBody, sanitizeTemplateHtml, smsParts, unknownVariables, type Rendered } from './render.ts';
import { customerFacts, tierName, type CustomerFacts } from './customer-data.ts';
import { settingsRow } from './settings.service.ts';
import { signLink, unsubscribeUrl } from './links.ts';

type TemplateRow = typeof campaignTemplates.$inferSelect;

export function toTemplate(r: TemplateRow): CampaignTemplate {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel === 'sms' ? 'sms' : 'email',
    bodies: r.bodies as TemplateBodies,
    smsTemplateId: r.smsTemplateId,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Field errors for a template: at least one language, a subject for e-mail, only known {{variables}}. */
function checkTemplate(t: Pick<CreateTemplate, 'channel' | 'bodies'>): void {
  const errors: FieldError[] = [];
  const locales = (['zh-CN', 'en'] as const).filter((l) => t.bodies[l]);
  if (locales.length === 0) errors.push({ path: 'bodies', code: 'errors.campaign_template_empty' });
  for (const l of locales) {
    const b = t.bodies[l]!;
    if (t.channel === 'email' && !b.subject) errors.push({ path: `bodies.${l}.subject`, code: 'validation.required' });
    for (const [field, text] of [['subject', b.subject], ['text', b.text], ['html', b.html ?? '']] as const) {
      const unknown = unknownVariables(text);
      if (unknown.length) errors.push({ path: `bodies.${l}.${field}`, code: 'errors.campaign_template_variable', params: { names: unknown.join(', '), allowed: templateVariables.join(', ') } });
    }
  }
  if (errors.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: errors });
}

/** HTML versions as they will be stored: sanitised (what is stripped is gone on save, visible to the author). */
function cleanBodies(bodies: TemplateBodies): TemplateBodies {
  const out: TemplateBodies = {};
  for (const l of ['zh-CN', 'en'] as const) {
    const b = bodies[l];
    if (!b) continue;
    const html = b.html ? sanitizeTemplateHtml(b.html).trim() : '';
    out[l] = { ...b, html: html || null };
  }
  return out;
}

export async function listTemplates(ctx: Ctx): Promise<CampaignTemplate[]> {
  const rs = await ctx.db.select().from(campaignTemplates).where(eq(campaignTemplates.tenantId, ctx.tenantId)).orderBy(asc(campaignTemplates.name));
  return rs.map(toTemplate);
}

export async function templateRow(q: Queryable, tenantId: string, id: string): Promise<TemplateRow | undefined> {
  const [r] = await q.select().from(campaignTemplates).where(and(eq(campaignTemplates.tenantId, tenantId), eq(campaignTemplates.id, id)));
  return r;
}

export async function getTemplate(ctx: Ctx, id: string): Promise<CampaignTemplate> {
  const r = await templateRow(ctx.db, ctx.tenantId, id);
  if (!r) throw notFound();
  return toTemplate(r);
}

export async function createTemplate(ctx: Ctx, input: CreateTemplate): Promise<CampaignTemplate> {
  const bodies = cleanBodies(input.bodies);
  checkTemplate({ channel: input.channel, bodies });
  return ctx.tx(async (tx) => {
    const [row] = await tx.insert(campaignTemplates).values({ tenantId: ctx.tenantId, ...input, bodies }).returning();
    const t = toTemplate(row);
    await recordChange(tx, ctx, { action: 'created', entityType: 'campaign_template', entityId: row.id, after: t });
    return t;
  });
}

export async function updateTemplate(ctx: Ctx, id: string, input: UpdateTemplate): Promise<CampaignTemplate> {
  return ctx.tx(async (tx) => {
    const [locked] = await tx.select().from(campaignTemplates).where(and(eq(campaignTemplates.tenantId, ctx.tenantId), eq(campaignTemplates.id, id))).for('update');
    const current = checkVersion(locked, input.version, 'campaign_template');
    const { version: _v, ...rest } = input;
    const fields = rest.bodies ? { ...rest, bodies: cleanBodies(rest.bodies) } : rest;
    checkTemplate({ channel: fields.channel ?? toTemplate(current).channel, bodies: fields.bodies ?? (current.bodies as TemplateBodies) });
    const [row] = await tx
      .update(campaignTemplates)
      .set({ ...fields, version: sql`${campaignTemplates.version} + 1`, updatedAt: new Date() })
      .where(and(eq(campaignTemplates.tenantId, ctx.tenantId), eq(campaignTemplates.id, id)))
      .returning();
    const after = toTemplate(row);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'campaign_template', entityId: id, before: toTemplate(current), after });
    return after;
  });
}

/** The variables for one customer: their name, tier, the unsubscribe link for the channel, plus occasion values. */
export function variablesFor(c: CustomerFacts, locale: string, extra: Record<string, string>, opts: { tenantId: string; tenantName: string; linkSecret: string; channel: 'email' | 'sms'; today: string }): Record<string, string> {
  const token = signLink(opts.linkSecret, { purpose: 'u', tenantId: opts.tenantId, subject: c.id, extra: opts.channel });
  const v: Record<string, string> = {
    customerName: c.name,
    tierName: tierName(c, locale),
    companyName: opts.tenantName,
    date: opts.today,
    unsubscribeUrl: unsubscribeUrl(token),
    productName: '',
    orderNumber: '',
    holidayName: '',
    ...extra,
  };
  // occasion values may come in both languages: `productNameEn` replaces `productName` in English messages
  if (locale === 'en') for (const [k, val] of Object.entries(extra)) if (k.endsWith('En') && val) v[k.slice(0, -2)] = val;
  return v;
}

export interface RenderInput {
  channel: 'email' | 'sms';
  bodies: TemplateBodies;
  customer: CustomerFacts;
  locale?: string;
  vars: Record<string, string>;
  tenantName: string;
  today: string;
}

export async function renderFor(q: Queryable, tenantId: string, r: RenderInput): Promise<Rendered> {
  const s = await settingsRow(q, tenantId);
  const locale = pickLocale(r.bodies, r.locale ?? r.customer.language);
  const vars = variablesFor(r.customer, locale, r.vars, { tenantId, tenantName: r.tenantName, linkSecret: s.linkSecret, channel: r.channel, today: r.today });
  return renderBody(r.bodies[locale]!, locale, vars, r.channel);
}

export function smsText(text: string, signature: string): string {
  return signature ? `${signature}${text}` : text;
}

/** Preview with a real customer of this tenant (404 for another tenant's customer). */
export async function renderPreview(ctx: Ctx, input: RenderTemplate, tenantName: string, today: string): Promise<RenderedMessage> {
  let t: Pick<CreateTemplate, 'channel' | 'bodies'>;
  if (input.draft) {
    checkTemplate(input.draft);
    t = input.draft;
  } else if (input.templateId) t = await getTemplate(ctx, input.templateId);
  else throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'templateId', code: 'validation.required' }] });
  const customer = (await customerFacts(ctx.db, ctx.tenantId, [input.customerId])).get(input.customerId);
  if (!customer) throw notFound();
  const r = await renderFor(ctx.db, ctx.tenantId, { channel: t.channel, bodies: t.bodies, customer, locale: input.locale, vars: input.vars, tenantName, today });
  const sms = t.channel === 'sms' ? smsParts(smsText(r.text, (await settingsRow(ctx.db, ctx.tenantId)).smsSignature)) : null;
  return { ...r, channel: t.channel, smsLength: sms?.length ?? null, smsParts: sms?.parts ?? null };
}
