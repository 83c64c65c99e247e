/** The spreadsheet import's public surface: the engine, for scripts and the benchmark's loader. */
export { uploadSheet, runSheet, executeSheet, getSheetImport, sheetErrors, SHEET_CHUNK_ROWS } from './data-import.service.ts';
export { SheetImport, SheetKind, sheetFields } from './data-import.contract.ts';
export { openSheet, detectEncoding } from './sheet.read.ts';
