import { z } from 'zod';

/** File format of a list export: CSV (UTF-8 with BOM, opens correctly in Chinese Excel) or XLSX. */
export const ExportFormat = z.enum(['csv', 'xlsx']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** Query fields every `GET /api/v1/<list>/export` route accepts besides its list filters. */
export const ExportQuery = z.object({
  format: ExportFormat.default('csv'),
});
export type ExportQuery = z.infer<typeof ExportQuery>;

export const exportMimeTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
