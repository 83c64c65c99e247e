import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../../platform/db/db.ts';
import { decryptSecret, encryptSecret, SecretDecryptError } from '../../platform/crypto/secrets.ts';
import { encryptPlainColumn } from '../../platform/crypto/encrypt-plain.ts';
import { systemCtx, type Ctx } from '../../platform/tenancy/ctx.ts';
import { findTenantBySlug } from '../../platform/tenancy/tenancy.service.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { AppError, fieldError, notFound } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { hitRateLimit } from '../../platform/http/rate-limit.ts';
import { resolveCustomer } from '../customers/index.ts';
import { addMessageInTx, createTicketInTx, openStatuses, tickets } from '../tickets/index.ts';
import { inboundChannels, inboundMessages } from './intake.schema.ts';
import { InboundMessage, type WebFormSubmission } from './intake.contract.ts';
import type { z } from 'zod';

type ChannelRow = typeof inboundChannels.$inferSelect;
const toChannel = (r: ChannelRow, slug: string) => ({
  id: r.id,
  key: r.key,
  kind: r.kind as 'wechat' | 'mini_program' | 'sms' | 'other',
  name: r.name,
  active: r.active,
  url: `/api/v1/public/inbound/${slug}/${r.key}`,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
});

/** Signature tolerance: a captured request cannot be replayed later than this. */
export const SIGNATURE_MAX_SKEW_SECONDS = 300;
/** Follow-up messages from the same sender within this many days continue their open ticket. */
export const CONTINUE_OPEN_TICKET_DAYS = 7;

async function tenantSlug(ctx: Ctx): Promise<string> {
  const [r] = await ctx.db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  return r.slug;
}

export async function listInboundChannels(ctx: Ctx) {
  const slug = await tenantSlug(ctx);
  const rs = await ctx.db.select().from(inboundChannels).where(eq(inboundChannels.tenantId, ctx.tenantId)).orderBy(inboundChannels.key);
  return rs.map((r) => toChannel(r, slug));
}

export async function createInboundChannel(ctx: Ctx, input: { key: string; kind: string; name: string }) {
  const slug = await tenantSlug(ctx);
  const secret = randomBytes(32).toString('base64url');
  return ctx.tx(async (tx) => {
    const [row] = await tx.insert(inboundChannels).values({ tenantId: ctx.tenantId, ...input, secret: encryptSecret(secret) }).onConflictDoNothing().returning();
    if (!row) throw fieldError('key', 'inbound_key_taken', 409);
    const channel = toChannel(row, slug);
    await recordChange(tx, ctx, { action: 'created', entityType: 'inbound_channel', entityId: row.id, after: channel });
    return { channel, secret };
  });
}

export async function setInboundChannelActive(ctx: Ctx, id: string, active: boolean) {
  const slug = await tenantSlug(ctx);
  return ctx.tx(async (tx) => {
    const [row] = await tx
      .update(inboundChannels)
      .set({ active, version: sql`${inboundChannels.version} + 1` })
      .where(and(eq(inboundChannels.tenantId, ctx.tenantId), eq(inboundChannels.id, id)))
      .returning();
    if (!row) throw notFound();
    await recordChange(tx, ctx, { action: active ? 'activated' : 'deactivated', entityType: 'inbound_channel', entityId: id, after: { active } });
    return toChannel(row, slug);
  });
}

export function signInbound(secret: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

function signatureOk(secret: string, timestamp: string | undefined, body: Buffer, header: string | undefined): boolean {
  if (!timestamp || !header || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_MAX_SKEW_SECONDS) return false;
  const want = Buffer.from(signInbound(secret, timestamp, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The sender's ticket to continue: the one named, else their latest open ticket from this channel. */
async function findTicket(ctx: Ctx, customerId: string | null, ticketNumber: string | undefined) {
  const base = [eq(tickets.tenantId, ctx.tenantId)];
  if (ticketNumber) {
    const [t] = await ctx.db.select().from(tickets).where(and(...base, eq(tickets.number, ticketNumber.toUpperCase())));
    if (t && (!customerId || t.customerId === customerId)) return t;
  }
  if (!customerId) return undefined;
  const since = new Date(Date.now() - CONTINUE_OPEN_TICKET_DAYS * 86_400_000);
  const [t] = await ctx.db
    .select()
    .from(tickets)
    .where(and(...base, eq(tickets.customerId, customerId), eq(tickets.channel, 'webhook'), inArray(tickets.status, [...openStatuses]), gt(tickets.updatedAt, since)))
    .orderBy(desc(tickets.updatedAt))
    .limit(1);
  return t;
}

/**
 * An inbound gateway message: verified (HMAC over timestamp and raw body) before anything is parsed,
 * stored once per gateway message id, threaded onto the sender's open ticket or a new one.
 */
export async function receiveInbound(db: Db, slug: string, key: string, raw: Buffer, body: unknown, headers: { timestamp?: string; signature?: string; ip: string; requestId: string }) {
  const tenant = await findTenantBySlug(db, slug);
  if (!tenant) throw notFound();
  const [channel] = await db.select().from(inboundChannels).where(and(eq(inboundChannels.tenantId, tenant.id), eq(inboundChannels.key, key), eq(inboundChannels.active, true)));
  if (!channel) throw notFound();
  const ctx: Ctx = { ...systemCtx(db, tenant), actor: { userId: null, tokenId: null, name: `inbound: ${channel.name}`, roles: [] }, ip: headers.ip, requestId: headers.requestId };
  let secret: string;
  try {
    secret = decryptSecret(channel.secret);
  } catch (e) {
    // the server's key is wrong, not the gateway's request: say so instead of calling every signature bad
    if (e instanceof SecretDecryptError) throw new AppError(503, 'secret_unreadable');
    throw e;
  }
  if (!signatureOk(secret, headers.timestamp, raw, headers.signature)) {
    await ctx.tx((tx) => writeAudit(tx, ctx, { action: 'rejected_bad_signature', entityType: 'inbound_channel', entityId: channel.id, after: { ip: headers.ip, bytes: raw.length } }));
    throw new AppError(401, 'bad_signature');
  }
  // validated only after the signature: unsigned junk is rejected (and logged) without being looked at
  const parsed = InboundMessage.safeParse(body);
  if (!parsed.success) throw new AppError(400, 'validation_failed', {}, { fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'body', code: 'validation.invalid' })) });
  const msg = parsed.data;
  return ctx.tx(async (tx) => {
    const [dup] = await tx
      .select({ ticketId: inboundMessages.ticketId, number: tickets.number })
      .from(inboundMessages)
      .innerJoin(tickets, and(eq(tickets.tenantId, inboundMessages.tenantId), eq(tickets.id, inboundMessages.ticketId)))
      .where(and(eq(inboundMessages.tenantId, tenant.id), eq(inboundMessages.channelId, channel.id), eq(inboundMessages.externalMessageId, msg.messageId)));
    if (dup) return { ticketId: dup.ticketId, ticketNumber: dup.number, created: false, duplicate: true };
    const contact = { name: msg.from.name, phone: msg.from.phone, email: msg.from.email, externalId: msg.from.externalId ? `${channel.kind}:${msg.from.externalId}` : undefined };
    const customerId = await resolveCustomer(tx, ctx, contact);
    const existing = await findTicket({ ...ctx, db: tx as unknown as Db }, customerId, msg.ticketNumber);
    let ticketId: string;
    let number: string;
    let messageId: string | null = null;
    if (existing) {
      ticketId = existing.id;
      number = existing.number;
      messageId = (await addMessageInTx(tx, ctx, ticketId, { kind: 'public', body: msg.text, authorType: 'customer', authorName: msg.from.name ?? contact.externalId ?? 'customer', channel: 'webhook' })).id;
    } else {
      const subject = msg.subject ?? msg.text.replace(/\s+/g, ' ').slice(0, 60);
      const { row } = await createTicketInTx(tx, ctx, { subject, description: msg.text, type: msg.type ?? 'inquiry', priority: 'p3', channel: 'webhook', customerId: customerId ?? undefined, tags: [channel.kind], customFields: {} });
      ticketId = row.id;
      number = row.number;
    }
    await tx.insert(inboundMessages).values({ tenantId: tenant.id, channelId: channel.id, externalMessageId: msg.messageId, ticketId, messageId });
    return { ticketId, ticketNumber: number, created: !existing, duplicate: false };
  });
}

export const WEB_FORM_LIMIT = { perWindow: 5, windowSeconds: 600 };

/** The public web form: rate-limited per source address, a honeypot against bots, always a real ticket. */
export async function submitWebForm(db: Db, slug: string, input: z.infer<typeof WebFormSubmission>, meta: { ip: string; requestId: string }) {
  const tenant = await findTenantBySlug(db, slug);
  if (!tenant) throw notFound();
  const wait = await hitRateLimit(db, tenant.id, `form:${meta.ip}`, WEB_FORM_LIMIT.perWindow, WEB_FORM_LIMIT.windowSeconds);
  if (wait) throw new AppError(429, 'rate_limited', { seconds: wait }, { headers: { 'retry-after': String(wait) } });
  if (input.website) throw new AppError(422, 'form_rejected');
  if (!input.email && !input.phone) throw fieldError('email', 'contact_required', 422);
  const ctx: Ctx = { ...systemCtx(db, tenant), actor: { userId: null, tokenId: null, name: `web form: ${input.name}`, roles: [] }, ip: meta.ip, requestId: meta.requestId };
  return ctx.tx(async (tx) => {
    const { row } = await createTicketInTx(tx, ctx, {
      subject: input.subject,
      description: input.description,
      type: input.type,
      priority: 'p3',
      channel: 'web_form',
      customer: { name: input.name, email: input.email, phone: input.phone },
      tags: [],
      customFields: {},
    });
    return { ticketNumber: row.number };
  });
}

/** Start-up step: gateway secrets stored in plain text before encryption existed are encrypted in place (all tenants). */
export function encryptPlainInboundSecrets(db: Queryable): Promise<number> {
  return encryptPlainColumn(db, inboundChannels, [inboundChannels.tenantId, inboundChannels.id], inboundChannels.secret);
}
