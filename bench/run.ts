/**
 * `npm run bench [-- NAME ...]`: runs benchmarks, prints their tables and writes one JSON artifact per
 * benchmark to artifacts/bench/. Figures only: nothing here passes or fails on a timing.
 */
import { runCleanups } from './lib/cleanup.ts';
import { createContext } from './lib/context.ts';
import { parseOptions, usage, UsageError } from './lib/options.ts';
import { formatTable, machineInfo, writeArtifact } from './lib/report.ts';
import { loadBenchmarks } from './registry.ts';

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2), process.env);
  const all = await loadBenchmarks();
  if (opts.help || opts.list) {
    console.log(opts.help ? `${usage}\n\nBenchmarks:` : 'Benchmarks:');
    for (const b of all) console.log(`  ${b.name.padEnd(12)} ${b.description}`);
    return 0;
  }
  const unknown = opts.names.filter((n) => !all.some((b) => b.name === n));
  if (unknown.length > 0) {
    log(`unknown benchmark(s): ${unknown.join(', ')}; known: ${all.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const selected = opts.names.length > 0 ? all.filter((b) => opts.names.includes(b.name)) : all;
  const ctx = await createContext(opts);
  const machine = machineInfo(ctx.pgVersion);
  const estimate = selected.reduce((s, b) => s + b.estimateSeconds(ctx), 0);
  log(`running ${selected.map((b) => b.name).join(', ')} on ${ctx.dbs.join(' + ')}; about ${Math.ceil(estimate / 60)} min`);
  console.log(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB; Node ${machine.node}; PostgreSQL ${machine.postgres ?? 'n/a'}; ` +
      `commit ${machine.commit ?? '?'}${machine.workingTreeChanged ? ' + uncommitted changes' : ''}`,
  );
  let failures = 0;
  for (const bench of selected) {
    const startedAt = new Date();
    log(`── ${bench.name}: ${bench.description}`);
    try {
      const output = await bench.run(ctx);
      console.log('');
      for (const t of output.tables) console.log(formatTable(t) + '\n');
      for (const n of output.notes) console.log(`  • ${n}`);
      const file = writeArtifact(bench.name, { options: { ...opts, dbs: ctx.dbs }, machine, startedAt, output });
      console.log(`\n  JSON: ${file}  (${Math.round((Date.now() - startedAt.getTime()) / 1000)} s)\n`);
    } catch (e) {
      failures++;
      log(`${bench.name} failed: ${(e as Error).stack ?? String(e)}`);
    }
  }
  return failures > 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping servers and dropping scratch databases…`);
    void runCleanups(log).finally(() => process.exit(130));
  });
}

main()
  .catch((e: unknown) => {
    if (e instanceof UsageError) {
      log(e.message);
      return 2;
    }
    log((e as Error).stack ?? String(e));
    return 1;
  })
  .then(async (code) => {
    await runCleanups(log);
    process.exit(code);
  });
