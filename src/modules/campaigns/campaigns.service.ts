import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { rows } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { enqueue } from '../../platform/jobs/index.ts';
import { getCalendar } from '../../platform/calendar/calendar.service.ts';
import { callTasks, campaignMessages, campaigns } from './campaigns.schema.ts';
import {
  followupKinds,
  type Campaign,
  type CampaignKind,
  type CampaignReport,
  type CampaignSchedule,
  type CreateCampaign,
  type HolidayOption,
  type MessageListQuery,
  type UpdateCampaign,
} from './campaigns.contract.ts';
import { templateRow } from './templates.service.ts';
import { scheduleDailyRun } from './settings.service.ts';
import { holidayRuns } from './occasions.ts';
import { toMessage } from './messages.read.ts';
import { requeuePaused } from './send.service.ts';

export type CampaignRow = typeof campaigns.$inferSelect;
export const FANOUT_JOB = 'campaigns.fanout';
const greetingKinds = new Set(['birthday', 'holiday']);
/** How late a paused-and-resumed greeting may still go out. */
const GREETING_LATE_DAYS = 3;

export function toCampaign(r: CampaignRow): Campaign {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as CampaignKind,
    status: r.status as Campaign['status'],
    channel: r.channel as Campaign['channel'],
    templateId: r.templateId,
    segmentId: r.segmentId,
    schedule: r.schedule as CampaignSchedule,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Follow-ups are phone calls without a template; every other kind sends a template on its own channel. */
async function checkShape(q: Queryable, ctx: Ctx, c: Pick<Campaign, 'channel' | 'templateId' | 'schedule'>): Promise<void> {
  const isCall = followupKinds.includes(c.schedule.kind);
  if (isCall !== (c.channel === 'call')) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'channel', code: 'errors.campaign_kind_channel' }] });
  if (isCall) return;
  if (!c.templateId) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'templateId', code: 'validation.required' }] });
  const t = await templateRow(q, ctx.tenantId, c.templateId);
  if (!t) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'templateId', code: 'errors.not_found' }] });
  if (t.channel !== c.channel) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'templateId', code: 'errors.campaign_template_channel' }] });
}

export async function campaignRow(q: Queryable, tenantId: string, id: string, lock = false): Promise<CampaignRow | undefined> {
  const query = q.select().from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, id)));
  const [r] = lock ? await query.for('update') : await query;
  return r;
}

export async function listCampaigns(ctx: Ctx): Promise<Campaign[]> {
  const rs = await ctx.db.select().from(campaigns).where(eq(campaigns.tenantId, ctx.tenantId)).orderBy(desc(campaigns.createdAt));
  return rs.map(toCampaign);
}

export async function getCampaign(ctx: Ctx, id: string): Promise<Campaign> {
  const r = await campaignRow(ctx.db, ctx.tenantId, id);
  if (!r) throw notFound();
  return toCampaign(r);
}

export async function createCampaign(ctx: Ctx, input: CreateCampaign): Promise<Campaign> {
  const channel = followupKinds.includes(input.schedule.kind) ? 'call' : input.channel;
  const templateId = channel === 'call' ? null : input.templateId;
  await checkShape(ctx.db, ctx, { channel, templateId, schedule: input.schedule });
  return ctx.tx(async (tx) => {
    const [row] = await tx
      .insert(campaigns)
      .values({ tenantId: ctx.tenantId, name: input.name, kind: input.schedule.kind, channel, templateId, segmentId: input.segmentId, schedule: input.schedule, createdBy: ctx.actor.userId })
      .returning();
    const c = toCampaign(row);
    await recordChange(tx, ctx, { action: 'created', entityType: 'campaign', entityId: row.id, after: c });
    return c;
  });
}

/** Changes are made while a campaign is not running (draft or paused): pause, edit, start again. */
export async function updateCampaign(ctx: Ctx, id: string, input: UpdateCampaign): Promise<Campaign> {
  return ctx.tx(async (tx) => {
    const current = checkVersion(await campaignRow(tx, ctx.tenantId, id, true), input.version, 'campaign');
    if (current.status === 'active') throw new AppError(409, 'campaign_not_editable');
    const before = toCampaign(current);
    const schedule = input.schedule ?? before.schedule;
    if (schedule.kind !== before.kind) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'schedule.kind', code: 'errors.campaign_kind_fixed' }] });
    const channel = followupKinds.includes(schedule.kind) ? 'call' : (input.channel ?? before.channel);
    const templateId = channel === 'call' ? null : input.templateId !== undefined ? input.templateId : before.templateId;
    await checkShape(tx, ctx, { channel, templateId, schedule });
    const [row] = await tx
      .update(campaigns)
      .set({ name: input.name ?? current.name, channel, templateId, segmentId: input.segmentId !== undefined ? input.segmentId : current.segmentId, schedule, version: sql`${campaigns.version} + 1`, updatedAt: new Date() })
      .where(and(eq(campaigns.tenantId, ctx.tenantId), eq(campaigns.id, id)))
      .returning();
    const after = toCampaign(row);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'campaign', entityId: id, before, after });
    return after;
  });
}

async function setStatus(tx: Tx, ctx: Ctx, current: CampaignRow, status: Campaign['status'], action: string): Promise<Campaign> {
  const [row] = await tx
    .update(campaigns)
    .set({ status, version: sql`${campaigns.version} + 1`, updatedAt: new Date() })
    .where(and(eq(campaigns.tenantId, ctx.tenantId), eq(campaigns.id, current.id)))
    .returning();
  const after = toCampaign(row);
  await recordChange(tx, ctx, { action, entityType: 'campaign', entityId: current.id, before: toCampaign(current), after });
  return after;
}

/**
 * Start (or resume): daily kinds are picked up by the tenant's daily run; a promotion gets its one fan-out
 * job at its send time (a resumed one again: occasion keys keep customers already messaged from a second copy).
 * Messages whose send job ran during the pause go back to the queue in the same transaction.
 */
export async function startCampaign(ctx: Ctx, id: string, version: number): Promise<Campaign> {
  return ctx.tx(async (tx) => {
    const current = checkVersion(await campaignRow(tx, ctx.tenantId, id, true), version, 'campaign');
    if (current.status === 'active' || current.status === 'done') throw new AppError(409, 'campaign_bad_status', { status: current.status });
    const c = toCampaign(current);
    await checkShape(tx, ctx, c);
    const after = await setStatus(tx, ctx, current, 'active', 'started');
    // a birthday or holiday greeting held back by the pause is still sent a day or two late, not a week late
    if (current.status === 'paused') await requeuePaused(tx, ctx.tenantId, id, after.version, greetingKinds.has(c.kind) ? GREETING_LATE_DAYS : null);
    if (c.schedule.kind === 'promotion') {
      const at = new Date(c.schedule.sendAt);
      await enqueue(tx, { tenantId: ctx.tenantId, name: FANOUT_JOB, payload: { campaignId: id }, runAt: at > new Date() ? at : undefined, dedupeKey: `campaign:${id}:fanout:${after.version}` });
    } else if (!followupKinds.includes(c.schedule.kind)) await scheduleDailyRun(tx, ctx.tenantId, ctx.timeZone);
    return after;
  });
}

export async function pauseCampaign(ctx: Ctx, id: string, version: number): Promise<Campaign> {
  return ctx.tx(async (tx) => {
    const current = checkVersion(await campaignRow(tx, ctx.tenantId, id, true), version, 'campaign');
    if (current.status !== 'active') throw new AppError(409, 'campaign_bad_status', { status: current.status });
    return setStatus(tx, ctx, current, 'paused', 'paused');
  });
}

/** Counts of the delivery log and of call tasks; open and click rates over sent e-mails. */
export async function campaignReport(ctx: Ctx, id: string): Promise<CampaignReport> {
  const c = await getCampaign(ctx, id);
  const byStatus = await rows<{ status: string; reason: string | null; n: number | string; opened: number | string; clicked: number | string; sent_email: number | string }>(
    ctx.db,
    sql`select status, case when status = 'skipped' then reason end as reason, count(*) as n,
               count(opened_at) as opened, count(clicked_at) as clicked, count(*) filter (where channel = 'email' and status = 'sent') as sent_email
          from campaign_messages where tenant_id = ${ctx.tenantId} and campaign_id = ${id} group by 1, 2`,
  );
  const r: CampaignReport = {
    campaignId: c.id,
    total: 0,
    byStatus: { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0 },
    skippedByReason: {},
    opened: 0,
    clicked: 0,
    openRate: null,
    clickRate: null,
    callTasks: { open: 0, done: 0, byOutcome: {} },
  };
  let sentEmail = 0;
  for (const s of byStatus) {
    const n = Number(s.n);
    r.total += n;
    r.byStatus[s.status as keyof CampaignReport['byStatus']] = (r.byStatus[s.status as keyof CampaignReport['byStatus']] ?? 0) + n;
    if (s.reason) r.skippedByReason[s.reason] = n;
    r.opened += Number(s.opened);
    r.clicked += Number(s.clicked);
    sentEmail += Number(s.sent_email);
  }
  if (sentEmail > 0) {
    r.openRate = r.opened / sentEmail;
    r.clickRate = r.clicked / sentEmail;
  }
  const tasks = await ctx.db
    .select({ status: callTasks.status, outcome: callTasks.outcome, n: sql<number>`count(*)::int` })
    .from(callTasks)
    .where(and(eq(callTasks.tenantId, ctx.tenantId), eq(callTasks.campaignId, id)))
    .groupBy(callTasks.status, callTasks.outcome);
  for (const t of tasks) {
    if (t.status === 'open') r.callTasks.open += Number(t.n);
    else r.callTasks.done += Number(t.n);
    if (t.outcome) r.callTasks.byOutcome[t.outcome] = (r.callTasks.byOutcome[t.outcome] ?? 0) + Number(t.n);
  }
  return r;
}

/** The delivery log of one campaign, newest first. */
export async function listCampaignMessages(ctx: Ctx, id: string, q: MessageListQuery) {
  const c = await getCampaign(ctx, id);
  const conds: SQL[] = [eq(campaignMessages.tenantId, ctx.tenantId), eq(campaignMessages.campaignId, id)];
  if (q.status) conds.push(eq(campaignMessages.status, q.status));
  const after = decodeCursor(q.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${campaignMessages.createdAt}, ${campaignMessages.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rs = await ctx.db
    .select()
    .from(campaignMessages)
    .where(and(...conds))
    .orderBy(desc(campaignMessages.createdAt), desc(campaignMessages.id))
    .limit(q.limit + 1);
  const p = toPage(rs, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
  const names = await customerNames(ctx.db, ctx.tenantId, p.items.map((m) => m.customerId));
  return { items: p.items.map((m) => toMessage(m, c.name, names.get(m.customerId) ?? null)), nextCursor: p.nextCursor };
}

export async function customerNames(q: Queryable, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rs = await rows<{ id: string; name: string }>(q, sql`select id, name from customers where tenant_id = ${tenantId} and id in (${sql.join([...new Set(ids)].map((i) => sql`${i}::uuid`), sql`, `)})`);
  return new Map(rs.map((r) => [r.id, r.name]));
}

/** Holidays of a calendar (this tenant's), for the holiday picker: one row per run of days with one name. */
export async function listHolidays(ctx: Ctx, calendar: string): Promise<HolidayOption[]> {
  const cal = await getCalendar(ctx, calendar);
  return holidayRuns(cal.days);
}
