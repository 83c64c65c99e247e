import { z } from 'zod';

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const Problem = z.object({
  type: z.string(),
  status: z.number().int(),
  code: z.string(),
  title: z.string(),
  message: z.string(),
  detail: z.string().optional(),
  requestId: z.string().optional(),
  currentVersion: z.number().int().optional(),
  fieldErrors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
