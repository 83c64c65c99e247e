import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** A cell as read: text, or a Date for XLSX date cells (wall-clock time stored as UTC, as Excel has no zones). */
export type Cell = string | Date;
export interface SheetRow {
  /** 1-based row number as the spreadsheet shows it (the header is row 1) */
  row: number;
  /** 0-based index among the data rows (blank ones included): the resume cursor */
  index: number;
  cells: Cell[];
}

export type SheetEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'xlsx';

/** A file that cannot be imported at all; `code` is a server i18n key under `sheetImport.file.`. */
export class SheetFileError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
  }
}

export interface OpenedSheet {
  format: 'csv' | 'xlsx';
  encoding: SheetEncoding;
  headers: string[];
  /** data rows (the header row not counted; blank rows counted, they are skipped when read) */
  total: number;
  /** the first non-blank data rows, for the mapping editor (read in the checking pass) */
  sample: Cell[][];
  /** the data rows from the `skip`-th on, in order */
  rows(skip?: number): AsyncIterable<SheetRow>;
}

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 0x03 || b[2] === 0x05) && (b[3] === 0x04 || b[3] === 0x06);
const isOle = (b: Buffer) => b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1;

/**
 * Which text encoding a CSV is in. Strict UTF-8 decoding decides first: GBK text is almost never valid UTF-8,
 * while valid UTF-8 decoded as GB18030 would silently give mojibake. What is not UTF-8 is read as GB18030
 * (a superset of GBK/GB2312, what "CSV" from Chinese Excel and WPS is saved in).
 */
export function detectEncoding(buf: Buffer): Exclude<SheetEncoding, 'xlsx'> {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf-8-bom';
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le';
  return isUtf8(buf) ? 'utf-8' : 'gb18030';
}

function decodeSample(buf: Buffer, encoding: Exclude<SheetEncoding, 'xlsx'>): string {
  const head = buf.subarray(0, 64 * 1024);
  if (encoding === 'gb18030') return iconv.decode(head, 'gb18030');
  if (encoding === 'utf-16le') return iconv.decode(head, 'utf-16le');
  return head.toString('utf8');
}

/** Binary junk decodes to control characters and replacement characters; real CSV has next to none. */
function looksLikeText(sample: string): boolean {
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || c === 0x7f) bad++;
  }
  return sample.trim().length > 0 && bad <= sample.length * 0.002;
}

function detectDelimiter(firstLine: string): string {
  const counts = [',', '\t', ';'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0].n > 0 ? counts[0].d : ',';
}

/** The file in 1 MiB pieces: a stream of one huge chunk would be decoded and parsed in one go. */
function* slices(buf: Buffer): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += 1 << 20) yield buf.subarray(i, i + (1 << 20));
}

const SAMPLE_ROWS = 5;

function csvRecords(buf: Buffer, encoding: Exclude<SheetEncoding, 'xlsx'>, delimiter: string): AsyncIterable<string[]> {
  let source: NodeJS.ReadableStream = Readable.from(slices(buf));
  if (encoding === 'gb18030' || encoding === 'utf-16le') source = source.pipe(iconv.decodeStream(encoding));
  // relax_quotes: a stray quote inside an unquoted cell (尺寸 15" 屏) is text, as Excel reads it
  const parser = parse({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, encoding: 'utf8' });
  source.on('error', (e) => parser.destroy(e));
  return source.pipe(parser) as AsyncIterable<string[]>;
}

const blank = (cells: Cell[]) => cells.every((c) => typeof c === 'string' && c.trim() === '');

async function openCsv(buf: Buffer, checked: boolean): Promise<OpenedSheet> {
  const encoding = detectEncoding(buf);
  const head = decodeSample(buf, encoding);
  if (!looksLikeText(head)) throw new SheetFileError('not_a_spreadsheet');
  const delimiter = detectDelimiter(head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]);
  let headers: string[] | null = null;
  let total = 0;
  const sample: Cell[][] = [];
  try {
    // a full pass before anything is written: a file that breaks half-way fails here, not after half an import
    for await (const rec of csvRecords(buf, encoding, delimiter)) {
      if (headers === null) {
        headers = rec.map((h) => h.trim());
        if (checked) break;
      } else {
        total++;
        if (sample.length < SAMPLE_ROWS && !blank(rec)) sample.push(rec);
      }
    }
  } catch (e) {
    if (e instanceof CsvError) throw new SheetFileError('csv_malformed', { line: Number((e as CsvError & { lines?: number }).lines ?? 0) });
    throw e;
  }
  if (!headers || headers.every((h) => h === '')) throw new SheetFileError('empty_file');
  const header = headers;
  return {
    format: 'csv',
    encoding,
    headers: header,
    total,
    sample,
    async *rows(skip = 0) {
      let n = -1;
      for await (const rec of csvRecords(buf, encoding, delimiter)) {
        n++;
        if (n === 0 || n <= skip) continue;
        if (!blank(rec)) yield { row: n + 1, index: n - 1, cells: rec };
      }
    },
  };
}

/** Excel's cell value kinds reduced to text (numbers as written, formulas by their result) or a Date. */
function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return 'result' in v && v.result !== undefined && v.result !== null && typeof v.result !== 'object' ? String(v.result) : v.result instanceof Date ? v.result : '';
  if ('text' in v && typeof v.text === 'string') return v.text;
  return '';
}

/**
 * The streaming reader's options. Styles are read (unlike hyperlinks): without them a date cell comes back as
 * its serial number (33663 instead of 1992-02-29); styles.xml is small whatever the row count. Shared strings
 * are cached: a cell refers to them by index.
 */
const xlsxOptions = { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' } as const;

interface XlsxRecord {
  row: number;
  cells: Cell[];
}

/**
 * The rows with values of the first worksheet that has any, streamed from the file: of the workbook only the
 * shared strings table is held in memory, never the rows' cell objects. Every part of the file is read to its end, even when the caller stops early: the reader keeps
 * worksheets that come before the shared strings (as Excel and exceljs write them) in temporary files that
 * it deletes only after reading them, and a truncated file only shows as an error at its end.
 */
async function* xlsxRecords(buf: Buffer): AsyncGenerator<XlsxRecord> {
  const Excel = await loadExcel();
  const reader = new Excel.stream.xlsx.WorkbookReader(Readable.from(slices(buf)), xlsxOptions);
  const sheets = reader[Symbol.asyncIterator]();
  let rows: AsyncIterator<ExcelJS.Row> | null = null;
  let finished = false;
  try {
    let taken = false;
    for (let s = await sheets.next(); !s.done; s = await sheets.next()) {
      rows = s.value[Symbol.asyncIterator]();
      let had = false;
      for (let r = await rows.next(); !r.done; r = await rows.next()) {
        if (taken || !r.value.hasValues) continue;
        had = true;
        const values = Array.isArray(r.value.values) ? r.value.values.slice(1) : [];
        yield { row: r.value.number, cells: Array.from({ length: values.length }, (_, i) => cellValue(values[i])) };
      }
      rows = null;
      if (had) taken = true;
    }
    finished = true;
  } finally {
    if (!finished) {
      // the caller stopped (or failed) half-way: read the rest so the reader releases its temporary files
      try {
        if (rows) while (!(await rows.next()).done);
        while (!(await sheets.next()).done);
      } catch {
        // the file was read before; an error now changes nothing for a caller that has stopped
      }
    }
  }
}

// loaded on the first XLSX file: exceljs adds ~28 MB of RSS to every process that never reads one
const loadExcel = async () => (await import('exceljs')).default;

async function openXlsx(buf: Buffer): Promise<OpenedSheet> {
  let headers: string[] | null = null;
  let total = 0;
  const sample: Cell[][] = [];
  // outside the try below: failing to load the library is no fault of the file
  await loadExcel();
  try {
    // a full pass before anything is written: a truncated file ends in an error here
    for await (const r of xlsxRecords(buf)) {
      if (headers === null) headers = r.cells.map((c) => (c instanceof Date ? c.toISOString() : c.trim()));
      else {
        total++;
        if (sample.length < SAMPLE_ROWS && !blank(r.cells)) sample.push(r.cells);
      }
    }
  } catch (e) {
    // what the reader said, for the job's failure record (a file that passed this check once failed it on its
    // second reading, once, in a CI run; this is how the next occurrence shows why)
    throw new SheetFileError('broken_xlsx', { detail: (e instanceof Error ? e.message : String(e)).slice(0, 200) });
  }
  if (!headers || headers.every((h) => h === '')) throw new SheetFileError('empty_file');
  return {
    format: 'xlsx',
    encoding: 'xlsx',
    headers,
    total,
    sample,
    async *rows(skip = 0) {
      let index = -1;
      for await (const r of xlsxRecords(buf)) {
        if (index >= skip && !blank(r.cells)) yield { row: r.row, index, cells: r.cells };
        index++;
      }
    },
  };
}

/**
 * Reads an uploaded CSV (any of the encodings above) or XLSX, checking all of it before anything is imported.
 * `checked`: the bytes are an upload this function has already checked whole; a CSV is then read up to its
 * header only, and `total` and `sample` stay empty (the import job reads the rows once, not twice).
 */
export async function openSheet(data: Buffer | Uint8Array, opts: { checked?: boolean } = {}): Promise<OpenedSheet> {
  // bytea comes back as a Buffer from pg and as a plain Uint8Array from PGlite
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length === 0) throw new SheetFileError('empty_file');
  if (isZip(buf)) return openXlsx(buf);
  if (isOle(buf)) throw new SheetFileError('xls_not_supported');
  return openCsv(buf, opts.checked === true);
}

/** 'A', 'B' … 'AA': how Excel names the column, shown in the report next to its header. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
