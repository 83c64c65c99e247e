import { boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * One spreadsheet upload (customers, products or orders) and its runs. The file stays in `source` until a
 * real run completes, so a dry run can be followed by the real one and a crashed job resumes from
 * `processed` (advanced in the same transaction as each chunk's rows).
 */
export const sheetImports = pgTable(
  'sheet_imports',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    /** customers | products | orders */
    kind: text('kind').notNull(),
    /** uploaded | queued | running | validated (dry run done) | completed | failed */
    status: text('status').notNull().default('uploaded'),
    dryRun: boolean('dry_run').notNull().default(false),
    fileName: text('file_name'),
    /** csv | xlsx */
    format: text('format').notNull(),
    /** utf-8 | utf-8-bom | gb18030 | utf-16le | xlsx */
    encoding: text('encoding').notNull(),
    source: bytea('source'),
    headers: jsonb('headers').notNull().default([]),
    /** field → 0-based column index, as confirmed for the last run */
    mapping: jsonb('mapping').notNull().default({}),
    /** keep | clear: what an empty cell of a mapped column does to an existing record, as confirmed for the last run */
    blankCells: text('blank_cells').notNull().default('keep'),
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    inserted: integer('inserted').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** row errors as codes and params (localised when read), capped; `failed` counts the rows */
    errors: jsonb('errors').notNull().default([]),
    errorsTruncated: boolean('errors_truncated').notNull().default(false),
    /** a file-level failure (broken file, job crash): code + params */
    failure: jsonb('failure'),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('sheet_imports_created_idx').on(t.tenantId, t.createdAt)],
);

/** The column mapping last confirmed for a kind, by header text, so the next file with those headers maps itself. */
export const sheetImportMappings = pgTable(
  'sheet_import_mappings',
  {
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind').notNull(),
    /** field → header text */
    mapping: jsonb('mapping').notNull().default({}),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind] })],
);
