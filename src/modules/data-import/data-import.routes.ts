import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { sendExport } from '../../platform/export/export.ts';
import { RunSheetImport, SheetErrorsPage, SheetImport, SheetImportListQuery, SheetReportQuery, SheetUpload, SheetUploadQuery, type SheetRowError } from './data-import.contract.ts';
import { getSheetImport, listSheetImports, runSheet, sheetErrors, uploadSheet } from './data-import.service.ts';

/** Upload cap for one spreadsheet (about 1,000,000 customer rows of CSV). */
export const SHEET_BODY_LIMIT = Number(process.env.SHEET_IMPORT_BODY_LIMIT_BYTES) || 200 * 1024 * 1024;

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['import'];
const fileTypes = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];

export function dataImportRoutes(app: App) {
  // Scoped to this plugin: the file's bytes as they are; the encoding is detected from the content.
  app.addContentTypeParser(fileTypes, { parseAs: 'buffer', bodyLimit: SHEET_BODY_LIMIT }, (_req, body: Buffer, done) => done(null, body));

  app.post(
    '/api/v1/data-imports',
    {
      bodyLimit: SHEET_BODY_LIMIT,
      config: { access: 'customers.import', idempotent: true },
      schema: {
        tags,
        summary: 'Upload a CSV or XLSX of customers, products or orders; answers its columns, first rows and a suggested mapping',
        description:
          'Body: the file itself (`text/csv`, `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` or `application/octet-stream`). ' +
          'CSV in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16 is detected from the content. The whole file is read before it is accepted: a broken file is refused with 422 and nothing is stored. ' +
          'Products also need catalog.manage, orders also orders.write.',
        consumes: fileTypes,
        querystring: SheetUploadQuery,
        body: z.custom<Buffer>((v) => Buffer.isBuffer(v)),
        response: { 201: SheetUpload },
      },
    },
    async (req, reply) => reply.code(201).send(await uploadSheet(req.ctx, req.body, { kind: req.query.kind, fileName: req.query.fileName })),
  );
  app.post(
    '/api/v1/data-imports/:id/run',
    {
      config: { access: 'customers.import' },
      schema: {
        tags,
        summary: 'Dry run (validate every row, write nothing) or import an upload with the confirmed column mapping',
        description: `Up to ${process.env.SHEET_IMPORT_INLINE_MAX_ROWS || 500} rows run in the request (200); larger files run as a background job (202): poll GET /api/v1/data-imports/{id}.`,
        params: IdParam,
        querystring: z.object({ background: z.enum(['true', 'false']).optional() }),
        body: RunSheetImport,
        response: { 200: SheetImport, 202: SheetImport },
      },
    },
    async (req, reply) => {
      const r = await runSheet(req.ctx, req.params.id, req.body, { background: req.query.background === 'true' });
      return reply.code(r.inline ? 200 : 202).send(r.import);
    },
  );
  app.get('/api/v1/data-imports', { config: { access: 'customers.import' }, schema: { tags, summary: 'Spreadsheet imports, newest first', querystring: SheetImportListQuery, response: { 200: z.object({ items: z.array(SheetImport) }) } } }, (req) =>
    listSheetImports(req.ctx, req.query),
  );
  app.get('/api/v1/data-imports/:id', { config: { access: 'customers.import' }, schema: { tags, summary: 'Progress and counts of one import', params: IdParam, response: { 200: SheetImport } } }, (req) =>
    getSheetImport(req.ctx, req.params.id),
  );
  app.get('/api/v1/data-imports/:id/errors', { config: { access: 'customers.import' }, schema: { tags, summary: 'Row errors (row, column, message in your language)', params: IdParam, response: { 200: SheetErrorsPage } } }, (req) =>
    sheetErrors(req.ctx, req.params.id),
  );
  app.get(
    '/api/v1/data-imports/:id/report',
    { config: { access: 'customers.import' }, schema: { tags, summary: 'The validation report as CSV or XLSX', params: IdParam, querystring: SheetReportQuery } },
    async (req, reply) => {
      const { items } = await sheetErrors(req.ctx, req.params.id);
      const job = await getSheetImport(req.ctx, req.params.id);
      return sendExport<SheetRowError>(reply, {
        format: req.query.format,
        filename: `${req.ctx.locale === 'en' ? 'import-report' : '导入报告'}-${job.kind}-${job.id.slice(0, 8)}`,
        locale: req.ctx.locale,
        columns: [
          { header: { en: 'Row', 'zh-CN': '行号' }, value: (e) => e.row },
          { header: { en: 'Column', 'zh-CN': '列' }, value: (e) => e.column },
          { header: { en: 'Problem', 'zh-CN': '问题' }, value: (e) => e.message },
          { header: { en: 'Code', 'zh-CN': '代码' }, value: (e) => e.code },
        ],
        rows: (async function* () {
          yield items;
        })(),
      });
    },
  );
}
