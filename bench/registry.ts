import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Benchmark } from './lib/types.ts';

/**
 * Every `bench/suites/<name>.bench.ts` whose default export is a Benchmark. Discovered from the folder so
 * that a later issue adds `tickets` or `customers` by adding one file, without touching the runner.
 */
const suitesDir = new URL('./suites/', import.meta.url);

function isBenchmark(v: unknown): v is Benchmark {
  const b = v as Partial<Benchmark> | undefined;
  return typeof b?.name === 'string' && typeof b.run === 'function' && typeof b.estimateSeconds === 'function';
}

export async function loadBenchmarks(): Promise<Benchmark[]> {
  const files = fs
    .readdirSync(suitesDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const out: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(new URL(file, suitesDir).pathname).href)) as { default?: unknown };
    if (!isBenchmark(mod.default)) throw new Error(`bench/suites/${file} must default-export a Benchmark`);
    if (`${mod.default.name}.bench.ts` !== file) throw new Error(`bench/suites/${file} exports a benchmark named "${mod.default.name}"`);
    out.push(mod.default);
  }
  return out;
}
