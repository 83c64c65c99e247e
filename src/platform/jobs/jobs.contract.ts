import { z } from 'zod';

export const JobStatus = z.enum(['queued', 'running', 'done', 'dead']);
export type JobStatus = z.infer<typeof JobStatus>;

export const Job = z.object({
  id: z.number().int(),
  name: z.string(),
  status: JobStatus,
  runAt: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const JobListQuery = z.object({
  status: JobStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type JobListQuery = z.infer<typeof JobListQuery>;

export const JobIdParam = z.object({ id: z.coerce.number().int().positive() });
