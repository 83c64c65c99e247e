import { z } from 'zod';
import { AuthorType, Channel, ContactInput, TicketPriority, TicketStatus, TicketType } from '../tickets/tickets.contract.ts';

/**
 * One line of a history import (NDJSON: one ticket per line). Times are ISO 8601 with an offset; they are
 * kept as given, so the SLA clock and KPIs are computed from the original history, not the import time.
 */
const Instant = z.iso.datetime({ offset: true });

export const ImportMessage = z.strictObject({
  authorType: AuthorType,
  authorName: z.string().trim().min(1).max(200),
  /** an agent's e-mail links the message to the user with that e-mail, when there is one */
  authorEmail: z.string().trim().max(320).optional(),
  kind: z.enum(['public', 'note']).default('public'),
  body: z.string().min(1).max(100_000),
  createdAt: Instant,
});
export type ImportMessage = z.infer<typeof ImportMessage>;

export const ImportStatusChange = z.strictObject({
  to: TicketStatus,
  at: Instant,
  /** who changed it in the old system (a name); 'import' when absent */
  by: z.string().trim().max(200).optional(),
});

export const ImportTicketLine = z.strictObject({
  /** the id in the old system: the import is idempotent by it (per tenant) */
  externalId: z.string().trim().min(1).max(200),
  subject: z.string().trim().min(1).max(300),
  description: z.string().max(100_000).default(''),
  type: TicketType,
  priority: TicketPriority,
  /** the status now; status changes below are the history that led to it */
  status: TicketStatus,
  channel: Channel,
  createdAt: Instant,
  customer: ContactInput.optional(),
  /** a team name of this tenant */
  team: z.string().trim().min(1).max(100).optional(),
  /** the e-mail of an agent of this tenant */
  assignee: z.string().trim().max(320).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
  messages: z.array(ImportMessage).max(1000).default([]),
  statusChanges: z.array(ImportStatusChange).max(1000).default([]),
});
export type ImportTicketLine = z.infer<typeof ImportTicketLine>;

export const ImportJobStatus = z.enum(['queued', 'running', 'completed', 'failed']);
export type ImportJobStatus = z.infer<typeof ImportJobStatus>;

export const ImportLineError = z.object({
  /** 1-based line number in the uploaded file */
  line: z.number().int(),
  /** externalId when the line could be read that far */
  externalId: z.string().nullable(),
  errors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
});
export type ImportLineError = z.infer<typeof ImportLineError>;

export const ImportJob = z.object({
  id: z.string().uuid(),
  kind: z.literal('tickets'),
  status: ImportJobStatus,
  fileName: z.string().nullable(),
  total: z.number().int(),
  processed: z.number().int(),
  imported: z.number().int(),
  /** lines whose externalId was already imported (or repeated in the file): left unchanged */
  skipped: z.number().int(),
  failed: z.number().int(),
  progressPercent: z.number(),
  /** the first errors (capped); `failed` counts them all */
  errors: z.array(ImportLineError),
  errorsTruncated: z.boolean(),
  createdByName: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportQuery = z.object({
  /** name of the uploaded file, kept for the job list */
  fileName: z.string().trim().max(200).optional(),
  /** process in the background even when the file is small */
  background: z.enum(['true', 'false']).optional(),
});

export const ImportJobListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
