import { and, asc, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Queryable, Tx } from '../../platform/db/db.ts';
import { joinTx, systemCtx, type Ctx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { preparedPerDb } from '../../platform/db/prepared.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { AppError, forbidden, notFound } from '../../platform/http/errors.ts';
import { can } from '../../platform/auth/roles.contract.ts';
import { createTicketInTx, CreateTicket } from '../tickets/index.ts';
import { callTasks, campaignMessages, campaigns } from './campaigns.schema.ts';
import { maxCallAttempts, type CallOutcome, type CallTask, type CallTaskQuery, type CampaignSchedule, type FollowupSkipReason, type RecordOutcome } from './campaigns.contract.ts';
import { customerFacts, inSegment, orderFacts, phoneContactWithdrawn, type CustomerFacts } from './customer-data.ts';
import { substitute } from './render.ts';
import { addLocalDays } from './occasions.ts';

type TaskRow = typeof callTasks.$inferSelect;

function toTask(r: TaskRow, campaignName: string, c: CustomerFacts | undefined): CallTask {
  return {
    id: r.id,
    campaignId: r.campaignId,
    campaignName,
    customerId: r.customerId,
    customerName: c?.name ?? null,
    customerPhone: c?.phone ?? null,
    sourceType: r.sourceType === 'ticket' ? 'ticket' : 'order',
    sourceId: r.sourceId,
    assigneeId: r.assigneeId,
    dueAt: r.dueAt.toISOString(),
    script: r.script,
    status: r.status === 'done' ? 'done' : 'open',
    outcome: (r.outcome as CallOutcome | null) ?? null,
    notes: r.notes,
    callAttempts: r.callAttempts,
    ticketId: r.ticketId,
    completedAt: r.completedAt?.toISOString() ?? null,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
  };
}

async function withNames(ctx: Ctx, rs: { t: TaskRow; name: string }[]): Promise<CallTask[]> {
  const facts = await customerFacts(ctx.db, ctx.tenantId, [...new Set(rs.map((r) => r.t.customerId))]);
  return rs.map((r) => toTask(r.t, r.name, facts.get(r.t.customerId)));
}

const joinedOn = (q: Queryable) =>
  q
    .select({ t: callTasks, name: campaigns.name })
    .from(callTasks)
    .innerJoin(campaigns, and(eq(campaigns.tenantId, callTasks.tenantId), eq(campaigns.id, callTasks.campaignId)));
const joined = (ctx: Ctx) => joinedOn(ctx.db);

export interface FollowupSource {
  sourceType: 'order' | 'ticket';
  sourceId: string;
  customerId: string;
  /** when the event happened: the purchase was recorded or the repair closed */
  at: Date;
  /** the sale date when the event carries it; otherwise the order is read (orders only) */
  soldAt?: Date | null;
  vars: Record<string, string>;
}

/**
 * Imports of old orders emit order.created too. An order sold more than the campaign's delay plus this
 * many days before its event is history: calling about it now would be a follow-up weeks too late.
 */
export const HISTORICAL_GRACE_DAYS = 3;

type CampaignRow = typeof campaigns.$inferSelect;
type FollowupScheduleOf = Extract<CampaignSchedule, { kind: 'followup_purchase' | 'followup_repair' }>;

/** Why this campaign must not call about this source; null when it should. Cheapest checks first. */
async function skipReason(ctx: Ctx, c: CampaignRow, s: FollowupScheduleOf, src: FollowupSource, soldAt: Date | null, phoneWithdrawn: boolean): Promise<FollowupSkipReason | null> {
  if (soldAt && addLocalDays(soldAt, s.daysAfter + HISTORICAL_GRACE_DAYS, ctx.timeZone).getTime() < src.at.getTime()) return 'historical_order';
  if (phoneWithdrawn) return 'phone_consent_withdrawn';
  if (!c.segmentId) return null;
  try {
    return (await inSegment(ctx, c.segmentId, src.customerId)) ? null : 'not_in_segment';
  } catch (e) {
    if (e instanceof AppError && e.status === 404) return 'segment_missing';
    throw e;
  }
}

/**
 * A follow-up not created is logged where the campaign report counts skips: a skipped 'call' row in the
 * delivery log, under the same occasion key, unless a call task for that occasion exists already (a repair
 * resolved, then closed after the customer withdrew phone contact, keeps its task and logs nothing).
 */
async function logSkip(tx: Tx, tenantId: string, campaignId: string, customerId: string, occasionKey: string, reason: FollowupSkipReason): Promise<void> {
  await tx.execute(sql`
    insert into ${campaignMessages} (tenant_id, campaign_id, customer_id, occasion_key, channel, status, reason)
    select ${tenantId}::uuid, ${campaignId}::uuid, ${customerId}::uuid, ${occasionKey}::text, 'call', 'skipped', ${reason}::text
     where not exists (select 1 from ${callTasks} t where t.tenant_id = ${tenantId} and t.campaign_id = ${campaignId} and t.customer_id = ${customerId} and t.occasion_key = ${occasionKey})
    on conflict (tenant_id, campaign_id, customer_id, occasion_key) do nothing`);
}

/**
 * One call task per active follow-up campaign of the kind, for this purchase or closed repair, when the
 * customer is in the campaign's segment, has not withdrawn phone contact, and (orders) the sale is recent.
 * The unique key (campaign, customer, order:<id> | ticket:<id>) makes a redelivered event, or a repair
 * resolved and then closed, create no second task. Follow-up calls are transactional service contact: no
 * marketing consent is needed (documented in the README), but an explicit phone withdrawal is respected.
 */
export async function createFollowups(db: Db, tenantId: string, kind: 'followup_purchase' | 'followup_repair', src: FollowupSource): Promise<number> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) return 0;
  const ctx = systemCtx(db, tenant);
  const active = await db.select().from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.status, 'active'), eq(campaigns.kind, kind)));
  if (active.length === 0) return 0;
  const customer = (await customerFacts(db, tenantId, [src.customerId])).get(src.customerId);
  if (!customer) return 0;
  const vars: Record<string, string> = { customerName: customer.name, companyName: tenant.name, ...src.vars };
  let soldAt: Date | null = src.soldAt ?? null;
  if (src.sourceType === 'order') {
    const o = await orderFacts(db, tenantId, src.sourceId);
    if (o) Object.assign(vars, { orderNumber: o.orderNumber, productName: customer.language === 'en' && o.productNameEn ? o.productNameEn : o.productName });
    soldAt ??= o?.soldAt ?? null;
  }
  const phoneWithdrawn = await phoneContactWithdrawn(db, tenantId, customer.id);
  const occasionKey = `${src.sourceType}:${src.sourceId}`;
  let created = 0;
  for (const c of active) {
    const s = c.schedule as FollowupScheduleOf;
    const reason = await skipReason(ctx, c, s, src, soldAt, phoneWithdrawn);
    if (reason) {
      await db.transaction((tx) => logSkip(tx, tenantId, c.id, customer.id, occasionKey, reason));
      continue;
    }
    const script = substitute(s.script[customer.language === 'en' ? 'en' : 'zh-CN'] || s.script['zh-CN'] || s.script.en, vars);
    await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(callTasks)
        .values({
          tenantId,
          campaignId: c.id,
          customerId: customer.id,
          occasionKey,
          sourceType: src.sourceType,
          sourceId: src.sourceId,
          assigneeId: s.assigneeId ?? customer.dedicatedAgentId ?? customer.ownerId ?? null,
          // N days after the sale itself when known (an order keyed in a day late is still due on time)
          dueAt: addLocalDays(soldAt ?? src.at, s.daysAfter, tenant.timeZone),
          script,
        })
        .onConflictDoNothing({ target: [callTasks.tenantId, callTasks.campaignId, callTasks.customerId, callTasks.occasionKey] })
        .returning();
      if (!row) return;
      created++;
      await recordChange(tx, ctx, { action: 'created', entityType: 'call_task', entityId: row.id, after: toTask(row, c.name, customer) });
    });
  }
  return created;
}

/** "My call tasks": mine and unassigned ones (anyone may take them), due first; managers may see all. */
export async function listCallTasks(ctx: Ctx, q: CallTaskQuery): Promise<CallTask[]> {
  if (q.scope === 'all' && !can(ctx.actor.roles, 'campaigns.manage')) throw forbidden();
  const conds: SQL[] = [eq(callTasks.tenantId, ctx.tenantId), eq(callTasks.status, q.status)];
  if (q.scope === 'mine') conds.push(or(eq(callTasks.assigneeId, ctx.actor.userId ?? '00000000-0000-0000-0000-000000000000'), isNull(callTasks.assigneeId))!);
  const rs = await joined(ctx)
    .where(and(...conds))
    .orderBy(q.status === 'open' ? asc(callTasks.dueAt) : desc(callTasks.completedAt))
    .limit(q.limit);
  return withNames(ctx, rs);
}

// built once per database: the customer 360 page reads it on every view (platform/db/prepared.ts)
const customerTasks = preparedPerDb((q) =>
  joinedOn(q)
    .where(and(eq(callTasks.tenantId, sql.placeholder('tenantId')), eq(callTasks.customerId, sql.placeholder('customerId'))))
    .orderBy(desc(callTasks.createdAt))
    .limit(200)
    .prepare('call_tasks_of_customer'),
);

export async function listCustomerCallTasks(ctx: Ctx, customerId: string): Promise<CallTask[]> {
  return withNames(ctx, await customerTasks(ctx.db).execute({ tenantId: ctx.tenantId, customerId }));
}

async function lockTask(ctx: Ctx, tx: Parameters<Parameters<Ctx['tx']>[0]>[0], id: string, version: number): Promise<{ row: TaskRow; name: string }> {
  const [r] = await tx
    .select({ t: callTasks, name: campaigns.name })
    .from(callTasks)
    .innerJoin(campaigns, and(eq(campaigns.tenantId, callTasks.tenantId), eq(campaigns.id, callTasks.campaignId)))
    .where(and(eq(callTasks.tenantId, ctx.tenantId), eq(callTasks.id, id)))
    .for('update', { of: callTasks });
  const row = checkVersion(r?.t, version, 'call_task');
  if (row.status === 'done') throw new AppError(409, 'call_task_done');
  // someone else's task: only a campaign manager may act on it
  if (row.assigneeId && row.assigneeId !== ctx.actor.userId && !can(ctx.actor.roles, 'campaigns.manage')) throw forbidden();
  return { row, name: r.name };
}

export async function claimCallTask(ctx: Ctx, id: string, version: number): Promise<CallTask> {
  return ctx.tx(async (tx) => {
    const { row, name } = await lockTask(ctx, tx, id, version);
    if (!ctx.actor.userId) throw forbidden();
    const [after] = await tx
      .update(callTasks)
      .set({ assigneeId: ctx.actor.userId, version: sql`${callTasks.version} + 1` })
      .where(and(eq(callTasks.tenantId, ctx.tenantId), eq(callTasks.id, id)))
      .returning();
    await recordChange(tx, ctx, { action: 'assigned', entityType: 'call_task', entityId: id, before: { assigneeId: row.assigneeId }, after: { assigneeId: after.assigneeId } });
    // inside the transaction: on PGlite (one connection) a read outside it would wait for it forever
    return (await withNames(joinTx(ctx, tx), [{ t: after, name }]))[0];
  });
}

/**
 * The outcome form. not_reached leaves the task open for another try the next day (up to maxCallAttempts);
 * problem opens a ticket for the customer in the same transaction and links it.
 */
export async function recordOutcome(ctx: Ctx, id: string, input: RecordOutcome): Promise<CallTask> {
  if (input.outcome === 'problem' && !input.problemSubject) throw new AppError(422, 'validation_failed', {}, { fieldErrors: [{ path: 'problemSubject', code: 'validation.required' }] });
  return ctx.tx(async (tx) => {
    const { row, name } = await lockTask(ctx, tx, id, input.version);
    const attempts = row.callAttempts + 1;
    const retry = input.outcome === 'not_reached' && attempts < maxCallAttempts;
    let ticketId: string | null = null;
    if (input.outcome === 'problem') {
      const ticket = CreateTicket.parse({
        subject: input.problemSubject,
        description: input.notes,
        type: row.sourceType === 'ticket' ? 'repair' : 'technical_support',
        channel: 'phone',
        customerId: row.customerId,
        tags: ['followup'],
      });
      ticketId = (await createTicketInTx(tx, joinTx(ctx, tx), ticket)).ticket.id;
    }
    const notes = [row.notes, input.notes].filter(Boolean).join('\n---\n') || null;
    const [after] = await tx
      .update(callTasks)
      .set({
        callAttempts: attempts,
        notes,
        outcome: input.outcome,
        status: retry ? 'open' : 'done',
        dueAt: retry ? addLocalDays(new Date(), 1, ctx.timeZone) : row.dueAt,
        ticketId,
        assigneeId: row.assigneeId ?? ctx.actor.userId,
        completedAt: retry ? null : new Date(),
        completedBy: retry ? null : ctx.actor.userId,
        version: sql`${callTasks.version} + 1`,
      })
      .where(and(eq(callTasks.tenantId, ctx.tenantId), eq(callTasks.id, id)))
      .returning();
    const [task] = await withNames(joinTx(ctx, tx), [{ t: after, name }]);
    await recordChange(tx, ctx, { action: retry ? 'attempted' : 'completed', entityType: 'call_task', entityId: id, before: toTask(row, name, undefined), after: task });
    return task;
  });
}

export async function getCallTask(ctx: Ctx, id: string): Promise<CallTask> {
  const rs = await joined(ctx).where(and(eq(callTasks.tenantId, ctx.tenantId), eq(callTasks.id, id)));
  if (!rs[0]) throw notFound();
  return (await withNames(ctx, rs))[0];
}
