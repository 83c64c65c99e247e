import { PassThrough, Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { Locale } from '../i18n/i18n.contract.ts';
import { exportMimeTypes, type ExportFormat } from './export.contract.ts';

export { ExportFormat, ExportQuery } from './export.contract.ts';

export type ExportValue = string | number | Date | null | undefined;

export interface ExportColumn<T> {
  header: { en: string; 'zh-CN': string };
  value: (row: T) => ExportValue;
}

export interface ExportOptions<T> {
  format: ExportFormat;
  /** without extension; Chinese is fine (sent as an RFC 5987 UTF-8 filename) */
  filename: string;
  locale: Locale;
  columns: ExportColumn<T>[];
  /** pages of rows, e.g. keyset pagination over the filtered list; consumed lazily so memory stays flat */
  rows: AsyncIterable<T[]>;
  /** CSV dates are written as local 'yyyy-MM-dd HH:mm:ss' in this zone (Excel has no time zones); default UTC ISO */
  timeZone?: string;
}

const BOM = '\uFEFF';

/** RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name, so browsers save "客户.csv", not "__.csv". */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Excel runs a cell that starts with = + - @ as a formula (CSV injection); a leading apostrophe makes it text.
 * Only strings are touched: numbers such as -5 stay numbers.
 */
function neutraliseFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function csvCell(v: ExportValue, timeZone: string | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    return timeZone ? DateTime.fromJSDate(v, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm:ss') : v.toISOString();
  }
  if (typeof v === 'number') return String(v);
  return neutraliseFormula(v);
}

async function* csvChunks<T>(opts: ExportOptions<T>): AsyncGenerator<string> {
  yield BOM + stringify([opts.columns.map((c) => c.header[opts.locale])]);
  for await (const page of opts.rows) {
    if (page.length === 0) continue;
    yield stringify(page.map((row) => opts.columns.map((c) => csvCell(c.value(row), opts.timeZone))));
  }
}

function xlsxCell(v: ExportValue): string | number | Date | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return neutraliseFormula(v);
  return v;
}

/** exceljs' streaming writer: rows are committed (flushed) as they come, so a million rows do not sit in memory. */
function xlsxStream<T>(opts: ExportOptions<T>): PassThrough {
  const out = new PassThrough();
  void (async () => {
    // loaded on the first XLSX export: exceljs adds ~28 MB of RSS to a process that never writes one
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet(opts.filename.slice(0, 31).replace(/[\\/?*[\]:]/g, '_') || 'Sheet1');
    sheet.columns = opts.columns.map((c) => ({ header: c.header[opts.locale], width: Math.min(40, Math.max(12, c.header[opts.locale].length * 2 + 4)) }));
    sheet.getRow(1).font = { bold: true };
    for await (const page of opts.rows) {
      for (const row of page) sheet.addRow(opts.columns.map((c) => xlsxCell(c.value(row)))).commit();
      // let the socket drain between pages instead of buffering the whole file
      if (out.writableNeedDrain) await new Promise((resolve) => out.once('drain', resolve));
    }
    sheet.commit();
    await workbook.commit();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

/**
 * Streams a list export as the reply. Headers go out with the first bytes; a failure while reading rows
 * aborts the connection (the browser shows a failed download rather than a silently truncated file).
 */
export function sendExport<T>(reply: FastifyReply, opts: ExportOptions<T>): FastifyReply {
  const fileName = opts.filename.toLowerCase().endsWith(`.${opts.format}`) ? opts.filename : `${opts.filename}.${opts.format}`;
  reply.header('content-type', exportMimeTypes[opts.format]);
  reply.header('content-disposition', contentDisposition(fileName));
  reply.header('cache-control', 'no-store');
  reply.header('x-content-type-options', 'nosniff');
  const body = opts.format === 'csv' ? Readable.from(csvChunks(opts)) : xlsxStream(opts);
  return reply.send(body);
}

/** Adapts keyset pagination (`afterId` → next page) to the `rows` iterable sendExport expects. */
export async function* pagesByKeyset<T extends { id: string }>(fetchPage: (afterId: string | null) => Promise<T[]>, pageSize: number): AsyncGenerator<T[]> {
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1].id;
  }
}
