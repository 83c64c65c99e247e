import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/db.ts';
import { registerJob, enqueue } from '../../platform/jobs/index.ts';
import { subscribe } from '../../platform/outbox/dispatch.ts';
import type { DomainEvent } from '../../platform/outbox/outbox.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import { systemCtx, type Ctx } from '../../platform/tenancy/ctx.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { executeRun, loadTierConfig, recomputeTiers, requestRecompute, scheduleNightly, TIERS_NIGHTLY_JOB, TIERS_RECOMPUTE_JOB } from './tiers.service.ts';
import type { RecomputeRun } from './tiers.contract.ts';

registerEventTypes(
  'customer.tier_changed', 'customer.tier_overridden', 'customer.tier_override_cleared',
  'customer_tiers.updated', 'customer_tiers.recomputed',
  'customer_segment.created', 'customer_segment.updated', 'customer_segment.deleted',
);

async function tenantCtx(db: Db, tenantId: string): Promise<Ctx | null> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return tenant ? systemCtx(db, tenant) : null;
}

/**
 * Nightly: every customer of the tenant. The schedule was written with the tenant's time zone when tiers
 * were saved; if the tenant has moved zone since, the schedule follows it from here on.
 */
registerJob(TIERS_NIGHTLY_JOB, async (job) => {
  const ctx = await tenantCtx(job.db, job.tenantId);
  if (!ctx) return;
  const cfg = await loadTierConfig(job.db, job.tenantId);
  await scheduleNightly(job.db, job.tenantId, ctx.timeZone, cfg.nightly);
  if (!cfg.nightly) return;
  await executeRun(ctx, 'rfm_nightly');
});

/** "Recompute now" from the admin page. */
registerJob(TIERS_RECOMPUTE_JOB, async (job) => {
  const ctx = await tenantCtx(job.db, job.tenantId);
  if (!ctx) return;
  await executeRun(ctx, 'recompute');
});

export function startRecompute(ctx: Ctx): Promise<RecomputeRun> {
  return requestRecompute(ctx, (tx, dedupeKey) => enqueue(tx, { tenantId: ctx.tenantId, name: TIERS_RECOMPUTE_JOB, dedupeKey, maxAttempts: 2 }));
}

/**
 * An order arrived or changed: that customer's tier at once. Idempotent (a rerun finds nothing to change),
 * as outbox subscribers must be.
 */
export async function onOrderEvent(db: Db, event: DomainEvent): Promise<void> {
  const p = (event.payload ?? {}) as { customerId?: unknown; previousCustomerId?: unknown; imported?: unknown };
  // an import refreshes the tiers of all its customers in one statement when it finishes
  if (p.imported === true) return;
  const ids = [p.customerId, p.previousCustomerId].filter((x): x is string => typeof x === 'string' && /^[0-9a-f-]{36}$/i.test(x));
  if (!ids.length) return;
  const ctx = await tenantCtx(db, event.tenantId);
  if (!ctx) return;
  await recomputeTiers(ctx, { customerIds: ids, reason: 'order' });
}

subscribe('order.created', (e, job) => onOrderEvent(job.db, e), { name: 'customers.tiers_order_created' });
subscribe('order.adjusted', (e, job) => onOrderEvent(job.db, e), { name: 'customers.tiers_order_adjusted' });
