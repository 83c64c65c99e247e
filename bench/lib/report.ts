import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './spawn.ts';
import type { BenchOutput, Table } from './types.ts';

/** Plain-text table: numbers (cells starting with a digit, sign or '–') right-aligned, text left-aligned. */
export function formatTable(t: Table): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const numeric = t.columns.map((_, i) => t.rows.length > 0 && t.rows.every((r) => /^[-–+\d.]/.test(r[i] ?? '')));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [t.title, line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}

function git(args: string[]): string | undefined {
  try {
    // Read-only queries: the tree is shared with other engineers.
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** What a figure depends on, recorded next to it: the same code on another machine gives other numbers. */
export function machineInfo(pgVersion: string | undefined) {
  const status = git(['status', '--porcelain']);
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion ?? null,
    commit: git(['rev-parse', '--short', 'HEAD']) ?? null,
    workingTreeChanged: status === undefined ? null : status.length > 0,
  };
}

/** Writes artifacts/bench/<name>-<timestamp>.json and returns its path relative to the repository. */
export function writeArtifact(name: string, payload: { options: unknown; machine: unknown; startedAt: Date; output: BenchOutput }): string {
  const dir = path.join(repoRoot, 'artifacts', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = payload.startedAt.toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${name}-${stamp}.json`);
  const body = {
    benchmark: name,
    startedAt: payload.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: payload.options,
    machine: payload.machine,
    notes: payload.output.notes,
    tables: payload.output.tables,
    data: payload.output.data,
  };
  fs.writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
  return path.relative(repoRoot, file);
}
