import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../tenancy/ctx.ts';
import { writeAudit } from '../audit/audit.ts';
import { AppError, notFound } from '../http/errors.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { jobs } from './jobs.schema.ts';
import type { Job, JobListQuery, JobStatus } from './jobs.contract.ts';

type JobRow = typeof jobs.$inferSelect;

export function toJob(r: JobRow): Job {
  return {
    id: r.id,
    name: r.name,
    status: r.status as JobStatus,
    runAt: r.runAt.toISOString(),
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
  };
}

/** Newest first (by id, which follows creation), this tenant's jobs only. */
export async function listJobs(ctx: Ctx, q: JobListQuery) {
  const conds: SQL[] = [eq(jobs.tenantId, ctx.tenantId)];
  if (q.status) conds.push(eq(jobs.status, q.status));
  const after = decodeCursor(q.cursor, ['number']);
  if (after) conds.push(sql`${jobs.id} < ${after[0]}`);
  const rowsPlusOne = await ctx.db
    .select()
    .from(jobs)
    .where(and(...conds))
    .orderBy(desc(jobs.id))
    .limit(q.limit + 1);
  const p = toPage(rowsPlusOne, q.limit, (r) => [r.id]);
  return { items: p.items.map(toJob), nextCursor: p.nextCursor };
}

/** A dead-lettered job gets a fresh set of attempts, due now. Other statuses are left alone (409). */
export async function retryJob(ctx: Ctx, id: number): Promise<Job> {
  return ctx.tx(async (tx) => {
    const where = and(eq(jobs.tenantId, ctx.tenantId), eq(jobs.id, id));
    const [current] = await tx.select().from(jobs).where(where).for('update');
    if (!current) throw notFound();
    if (current.status !== 'dead') throw new AppError(409, 'job_not_dead');
    const [row] = await tx
      .update(jobs)
      .set({ status: 'queued', attempts: 0, runAt: sql`now()`, finishedAt: null, lockedBy: null, lockedAt: null })
      .where(where)
      .returning();
    const after = toJob(row);
    await writeAudit(tx, ctx, { action: 'retried', entityType: 'job', entityId: String(id), before: toJob(current), after });
    return after;
  });
}
