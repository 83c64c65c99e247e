/** The import module's public surface: the engine, for scripts and the benchmark's loader. */
export { createImporter, runImport, startImport, CHUNK_LINES, type Importer, type ChunkResult } from './import.service.ts';
export { ImportTicketLine, ImportJob } from './import.contract.ts';
