import fs from 'node:fs';

/**
 * Linux /proc helpers. `npm start` runs npm → sh → tsx → node, so the process we spawn is not the server;
 * we walk the tree to find (and signal, and measure) the real one.
 */
interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces or parentheses: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0], ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** Gone or a zombie: the machine's init does not reap orphans, so a dead orphan stays visible as Z. */
export function isGone(pid: number): boolean {
  const s = readStat(pid);
  return !s || s.state === 'Z' || s.state === 'X';
}

/** All live descendants of pid, parents before children. */
export function descendants(pid: number): number[] {
  const all: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s && !isGone(s.pid)) all.push(s);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const s of all) {
      if (s.ppid === parent) {
        out.push(s.pid);
        queue.push(s.pid);
      }
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * The deepest process in pid's tree whose command line contains `marker` (e.g. src/main.ts): the server
 * at the end of npm → sh → tsx → node. Matching by command line matters because the server itself has a
 * child (tsx's esbuild service), so "the deepest process" would be esbuild.
 */
export function findProcess(pid: number, marker: string): number | undefined {
  const matches = [pid, ...descendants(pid)].filter((p) => cmdline(p).includes(marker));
  return matches[matches.length - 1];
}

/** A memory figure from /proc/<pid>/status (VmRSS: now; VmHWM: peak) in MiB, or undefined when gone. */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until every pid is gone; returns false on timeout. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (pids.every(isGone)) return true;
    await sleep(20);
  }
  return pids.every(isGone);
}
