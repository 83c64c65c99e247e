import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/db.ts';
import { enqueue, PermanentJobError } from '../../platform/jobs/index.ts';
import { systemCtx, type Ctx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { getCalendar } from '../../platform/calendar/calendar.service.ts';
import { AppError } from '../../platform/http/errors.ts';
import { campaigns } from './campaigns.schema.ts';
import type { CampaignSchedule } from './campaigns.contract.ts';
import { birthdayMonthDays, birthdayOccasion, holidayLabels, holidaysDueOn, localDate, purchaseDateForReminder } from './occasions.ts';
import { purchasesInCategory, withBirthday } from './customer-data.ts';
import { audience } from './audience.ts';
import { queueOccasions, type Occasion } from './send.service.ts';
import { FANOUT_JOB } from './campaigns.service.ts';
import { scheduleDailyRun } from './settings.service.ts';

/** Kinds the daily run looks at; promotions have their own one-off fan-out, follow-ups come from events. */
const dailyKinds = ['birthday', 'holiday', 'maintenance'];

export interface FanoutPayload {
  campaignId: string;
  /** the tenant-local date of the daily run (absent for a promotion) */
  date?: string;
}

async function tenantCtx(db: Db, tenantId: string): Promise<Ctx | null> {
  const [t] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return t ? systemCtx(db, t) : null;
}

/**
 * The tenant's daily run. `at` is the occurrence the schedule stands for, so a run delayed past midnight (a
 * restart) still works on the right local day. One fan-out job per campaign and day (dedupe key).
 */
export async function runDaily(db: Db, tenantId: string, at: Date): Promise<number> {
  const ctx = await tenantCtx(db, tenantId);
  if (!ctx) return 0;
  const today = localDate(at, ctx.timeZone);
  const active = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.status, 'active'), inArray(campaigns.kind, dailyKinds)));
  let n = 0;
  for (const c of active) {
    const payload: FanoutPayload = { campaignId: c.id, date: today };
    if ((await enqueue(db, { tenantId, name: FANOUT_JOB, payload, dedupeKey: `campaign:${c.id}:day:${today}` })) !== null) n++;
  }
  // follows a change of the tenant's time zone; an unchanged schedule keeps its next run
  await scheduleDailyRun(db, tenantId, ctx.timeZone);
  return n;
}

async function queuePage(db: Db, tenantId: string, c: { id: string; channel: string }, items: Occasion[]): Promise<number> {
  return items.length ? db.transaction((tx) => queueOccasions(tx, tenantId, c, items)) : 0;
}

/** Occasions of one campaign for one day (or the promotion), queued page by page. Safe to run again. */
export async function runFanout(db: Db, tenantId: string, p: FanoutPayload): Promise<number> {
  const ctx = await tenantCtx(db, tenantId);
  if (!ctx) return 0;
  const [c] = await db.select().from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, p.campaignId)));
  if (!c || c.status !== 'active') return 0;
  const s = c.schedule as CampaignSchedule;
  const today = p.date ?? localDate(new Date(), ctx.timeZone);
  let queued = 0;
  if (s.kind === 'birthday') {
    const days = birthdayMonthDays(today);
    for await (const ids of audience(ctx, c.segmentId)) {
      const due = await withBirthday(db, tenantId, ids, days);
      queued += await queuePage(db, tenantId, c, due.map((customerId) => ({ customerId, occasionKey: birthdayOccasion(today) })));
    }
  } else if (s.kind === 'holiday') {
    let days;
    try {
      days = (await getCalendar(ctx, s.calendar)).days;
    } catch (e) {
      if (e instanceof AppError && e.status === 404) throw new PermanentJobError(`calendar ${s.calendar} not found`);
      throw e;
    }
    for (const h of holidaysDueOn(days, s.holiday, s.daysBefore, today)) {
      const label = holidayLabels(h.name);
      for await (const ids of audience(ctx, c.segmentId)) {
        queued += await queuePage(db, tenantId, c, ids.map((customerId) => ({ customerId, occasionKey: h.occasionKey, vars: { holidayName: label.zh, holidayNameEn: label.en } })));
      }
    }
  } else if (s.kind === 'maintenance') {
    const dates = purchaseDateForReminder(today, s.monthsAfter);
    for await (const ids of audience(ctx, c.segmentId)) {
      const bought = await purchasesInCategory(db, tenantId, ids, s.categoryId, dates, ctx.timeZone);
      queued += await queuePage(
        db,
        tenantId,
        c,
        bought.map((o) => ({ customerId: o.customerId, occasionKey: `maintenance:${o.orderId}`, vars: { orderNumber: o.orderNumber, productName: o.productName, productNameEn: o.productNameEn ?? '' } })),
      );
    }
  } else if (s.kind === 'promotion') {
    for await (const ids of audience(ctx, c.segmentId)) {
      queued += await queuePage(db, tenantId, c, ids.map((customerId) => ({ customerId, occasionKey: 'promotion' })));
    }
  }
  return queued;
}
