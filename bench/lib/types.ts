import type { BenchContext } from './context.ts';

export type DbKind = 'postgres' | 'pglite';

/** A printable table; cells are already formatted so the JSON artifact shows what was printed. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

/** What one benchmark hands back: tables to print, free-text notes, and raw figures for the JSON artifact. */
export interface BenchOutput {
  tables: Table[];
  notes: string[];
  /** Raw measurements; must be JSON-serialisable. */
  data: unknown;
}

/**
 * One benchmark. A file `bench/suites/<name>.bench.ts` whose default export is a Benchmark is picked up
 * by the registry: adding a benchmark never means editing the runner.
 */
export interface Benchmark {
  name: string;
  description: string;
  /** Rough wall time in seconds at the given per-scenario duration, printed before a run so nobody is surprised. */
  estimateSeconds(ctx: BenchContext): number;
  run(ctx: BenchContext): Promise<BenchOutput>;
}
