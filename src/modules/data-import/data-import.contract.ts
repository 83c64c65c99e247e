import { z } from 'zod';

/** What a spreadsheet import writes. */
export const SheetKind = z.enum(['customers', 'products', 'orders']);
export type SheetKind = z.infer<typeof SheetKind>;

/**
 * The fields of each kind a file column can be mapped to, in the order the mapping editor shows them.
 * `required`: a row without it is an error; the mapping editor refuses to run without these mapped.
 */
export const sheetFields = {
  customers: [
    { field: 'externalId', required: false },
    { field: 'name', required: true },
    { field: 'phone', required: false },
    { field: 'email', required: false },
    { field: 'gender', required: false },
    { field: 'birthday', required: false },
    { field: 'province', required: false },
    { field: 'city', required: false },
    { field: 'district', required: false },
    { field: 'street', required: false },
    { field: 'tags', required: false },
  ],
  products: [
    { field: 'sku', required: true },
    { field: 'name', required: true },
    { field: 'nameEn', required: false },
    { field: 'model', required: false },
    { field: 'brand', required: false },
    { field: 'category', required: false },
    { field: 'warrantyMonths', required: false },
    { field: 'serialTracked', required: false },
    { field: 'price', required: true },
    { field: 'cost', required: false },
  ],
  orders: [
    { field: 'orderId', required: true },
    { field: 'customerId', required: false },
    { field: 'customerPhone', required: false },
    { field: 'orderedAt', required: true },
    { field: 'channel', required: true },
    { field: 'store', required: false },
    { field: 'deliveredAt', required: false },
    { field: 'sku', required: true },
    { field: 'quantity', required: true },
    { field: 'unitPrice', required: false },
    { field: 'discount', required: false },
  ],
} as const satisfies Record<SheetKind, readonly { field: string; required: boolean }[]>;

export type SheetField<K extends SheetKind = SheetKind> = (typeof sheetFields)[K][number]['field'];

/** field → 0-based column index of the file (unmapped fields are absent or null). */
export const ColumnMapping = z.record(z.string().min(1).max(40), z.number().int().min(0).max(500).nullable());
export type ColumnMapping = z.infer<typeof ColumnMapping>;

/**
 * What an empty cell of a mapped column does to a record that already exists: 'keep' its stored value (the
 * default), or 'clear' it. Columns that are not mapped always keep. Identities (external id, phone, e-mail)
 * are how records are found again and are never cleared; a required field's empty cell is a row error.
 */
export const BlankCells = z.enum(['keep', 'clear']);
export type BlankCells = z.infer<typeof BlankCells>;

export const SheetImportStatus = z.enum(['uploaded', 'queued', 'running', 'validated', 'completed', 'failed']);
export type SheetImportStatus = z.infer<typeof SheetImportStatus>;

export const SheetRowError = z.object({
  /** 1-based row of the sheet as Excel shows it (the header is row 1) */
  row: z.number().int(),
  /** the file's column header ('B 手机'), null for an error about the whole row */
  column: z.string().nullable(),
  field: z.string().nullable(),
  code: z.string(),
  message: z.string(),
});
export type SheetRowError = z.infer<typeof SheetRowError>;

export const SheetImport = z.object({
  id: z.string().uuid(),
  kind: SheetKind,
  status: SheetImportStatus,
  dryRun: z.boolean(),
  fileName: z.string().nullable(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string(),
  headers: z.array(z.string()),
  mapping: ColumnMapping,
  blankCells: BlankCells,
  total: z.number().int(),
  processed: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  progressPercent: z.number(),
  /** a file-level failure in the reader's language (broken file, job crashed) */
  failure: z.string().nullable(),
  errorsTruncated: z.boolean(),
  createdByName: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type SheetImport = z.infer<typeof SheetImport>;

/** Answer to an upload: the import record, the first rows and the suggested mapping for the editor. */
export const SheetUpload = z.object({
  import: SheetImport,
  sample: z.array(z.array(z.string())),
  suggested: ColumnMapping,
});
export type SheetUpload = z.infer<typeof SheetUpload>;

export const SheetUploadQuery = z.object({
  kind: SheetKind,
  fileName: z.string().trim().max(200).optional(),
});

export const RunSheetImport = z.object({
  mapping: ColumnMapping,
  dryRun: z.boolean().default(false),
  blankCells: BlankCells.default('keep').describe("What an empty cell of a mapped column does to a record that exists: 'keep' its value or 'clear' it"),
});
export type RunSheetImport = z.infer<typeof RunSheetImport>;

export const SheetImportListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  kind: SheetKind.optional(),
});

export const SheetReportQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('csv'),
});

export const SheetErrorsPage = z.object({ items: z.array(SheetRowError), total: z.number().int(), truncated: z.boolean() });
