import { sql } from 'drizzle-orm';
import { rows, type Queryable } from '../db/db.ts';
import { jobs } from './jobs.schema.ts';

/**
 * Test helper: polls `check` until it returns a value other than undefined/null/false, bounded in time
 * and in the number of polls. Throws with `what` when the condition never came true.
 */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const intervalMs = opts.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / intervalMs) + 1;
  for (let i = 0; i < maxPolls && Date.now() <= deadline; i++) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export type JobRow = typeof jobs.$inferSelect;

/** The job with this id (any tenant): tests read rows straight from the table. */
export async function jobById(q: Queryable, id: number): Promise<JobRow> {
  const [row] = await q.select().from(jobs).where(sql`${jobs.id} = ${id}`);
  if (!row) throw new Error(`job ${id} not found`);
  return row;
}

/** `count(*)` as a JS number on both drivers. */
export async function count(q: Queryable, query: ReturnType<typeof sql>): Promise<number> {
  const [r] = await rows<{ n: number | string }>(q, query);
  return Number(r?.n ?? 0);
}
