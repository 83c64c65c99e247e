import { sql } from 'drizzle-orm';
import type { Db, Queryable } from '../db/db.ts';
import { jobs } from './jobs.schema.ts';

/** What a job handler gets: the database (not a transaction: a handler opens its own), its tenant and payload. */
export interface JobContext<P = unknown> {
  db: Db;
  tenantId: string;
  jobId: number;
  name: string;
  payload: P;
  /** 1 on the first run; equals maxAttempts on the last one. */
  attempt: number;
  maxAttempts: number;
  /** When the job was due (for a schedule: the occurrence it stands for). */
  runAt: Date;
  workerId: string;
}

export type JobHandler<P = unknown> = (job: JobContext<P>) => Promise<void>;

export interface JobOptions {
  /** Default for enqueue() calls that do not name one. */
  maxAttempts?: number;
  /** Delay before the next attempt after `attempt` failed; defaults to defaultBackoffMs. */
  backoffMs?: (attempt: number) => number;
}

interface Registered {
  handler: JobHandler;
  options: JobOptions;
}

/**
 * Throw this from a handler when retrying cannot help (bad payload, target gone for good):
 * the job goes straight to 'dead' with the message as last_error.
 */
export class PermanentJobError extends Error {}

const registry = new Map<string, Registered>();

/**
 * Handlers are registered at module load, by name; the name is what is stored in the jobs table, so
 * renaming a job orphans queued rows (they dead-letter as "no handler"). Delivery is at-least-once:
 * a handler may run again after a crash between its work and the worker marking it done.
 */
export function registerJob<P = unknown>(name: string, handler: JobHandler<P>, options: JobOptions = {}): void {
  registry.set(name, { handler: handler as JobHandler, options });
}

export function jobHandler(name: string): Registered | undefined {
  return registry.get(name);
}

export const DEFAULT_MAX_ATTEMPTS = 5;
const baseDelayMs = 10_000;
const maxDelayMs = 6 * 3600_000;

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so many jobs that failed
 * together (a receiver was down) do not all come back in the same second. attempt 1 → 5–10 s, 2 → 10–20 s, …
 */
export function defaultBackoffMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export interface EnqueueInput {
  tenantId: string;
  name: string;
  payload?: unknown;
  /** Default: now (the database clock). */
  runAt?: Date;
  maxAttempts?: number;
  /** A second enqueue with the same key (per tenant) is ignored, whatever the first job's status. */
  dedupeKey?: string;
}

function values(input: EnqueueInput) {
  return {
    tenantId: input.tenantId,
    name: input.name,
    payload: input.payload ?? {},
    ...(input.runAt ? { runAt: input.runAt } : {}),
    maxAttempts: input.maxAttempts ?? registry.get(input.name)?.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    dedupeKey: input.dedupeKey ?? null,
  };
}

/**
 * Adds a job in the caller's transaction (or directly on the database): the job exists iff the change
 * that asked for it committed. Returns the new id, or null when the dedupe key was already used.
 */
export async function enqueue(q: Queryable, input: EnqueueInput): Promise<number | null> {
  const [row] = await q
    .insert(jobs)
    .values(values(input))
    .onConflictDoNothing({ target: [jobs.tenantId, jobs.dedupeKey] })
    .returning({ id: jobs.id });
  return row?.id ?? null;
}

/** Many jobs in one statement (fan-out); returns how many were new. */
export async function enqueueMany(q: Queryable, inputs: EnqueueInput[]): Promise<number> {
  if (inputs.length === 0) return 0;
  const inserted = await q
    .insert(jobs)
    .values(inputs.map(values))
    .onConflictDoNothing({ target: [jobs.tenantId, jobs.dedupeKey] })
    .returning({ id: jobs.id });
  return inserted.length;
}

/** The rows enqueue writes, for a writer that folds their INSERT (… ON CONFLICT DO NOTHING) into one statement. */
export const jobRows = (inputs: EnqueueInput[]): (typeof jobs.$inferInsert)[] => inputs.map(values);

/** `now() + ms` on the database clock, so every process agrees on when a retry is due. */
export const dbNowPlusMs = (ms: number) => sql`now() + (${Math.max(0, Math.round(ms))}::double precision * interval '1 millisecond')`;
