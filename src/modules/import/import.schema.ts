import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * One upload of history. The file itself is kept in `source` until the job finishes, so a restart resumes
 * from `processed` (advanced in the same transaction as each chunk's rows): no line is imported twice.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    kind: text('kind').notNull().default('tickets'),
    status: text('status').notNull().default('queued'),
    fileName: text('file_name'),
    source: text('source'),
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** codes and params, localised when read, so each reader sees them in their own language */
    errors: jsonb('errors').notNull().default([]),
    errorsTruncated: boolean('errors_truncated').notNull().default(false),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('import_jobs_created_idx').on(t.tenantId, t.createdAt)],
);
