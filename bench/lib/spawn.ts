import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { onCleanup } from './cleanup.ts';
import { descendants, findProcess, isGone, sleep, waitGone } from './proc.ts';

export const repoRoot = new URL('../../', import.meta.url).pathname;

/** A spawned server (or wrapper chain) with its output kept for diagnostics. */
export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** performance.now() just before spawn: the zero of every startup figure. */
  spawnedAt: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  output(): string;
  /** SIGTERM to the server at the end of the chain, wait for the whole chain; returns ms taken. */
  stop(): Promise<number>;
}

const keepBytes = 64 * 1024;

function kill(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** The server as `npm start` runs it: the bundle scripts/build-server-if-needed.mjs writes. */
export const serverEntry = 'dist/server/main.mjs';

/** `marker`: a string in the server's command line, to find it under wrapper processes (see findProcess). */
export function spawnLogged(label: string, command: string, args: string[], env: Record<string, string>, marker = serverEntry): Spawned {
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-keepBytes); // bounded: a chatty server must not eat our memory
  };
  const spawnedAt = performance.now();
  // detached: a terminal Ctrl-C then reaches only the runner, whose cleanup stops the server before it
  // drops the server's database, instead of both racing.
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  const pid = child.pid;
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const stop = async (): Promise<number> => {
    const t0 = performance.now();
    if (done) return 0;
    // Signal only the real server: it closes HTTP and the database, exits, and each wrapper then exits in
    // turn and is reaped by its parent. SIGTERM to npm would not do: npm passes it to `sh -c`, which dies
    // without passing it on, leaving tsx and the server running and holding the PGlite lock.
    const tree = [pid, ...descendants(pid)];
    const server = findProcess(pid, marker) ?? pid;
    try {
      process.kill(server, 'SIGTERM');
    } catch {
      /* exited between the tree walk and the signal */
    }
    const clean = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!clean || !(await waitGone(tree, 5_000))) {
      for (const p of tree) if (!isGone(p)) kill(p);
      await waitGone(tree, 5_000);
      throw new Error(`${label} (pid ${server}) did not stop within 15 s of SIGTERM; killed`);
    }
    return performance.now() - t0;
  };
  const unregister = onCleanup(`${label} pid ${pid}`, async () => {
    await stop().catch(() => undefined);
  });
  void exited.then(unregister);
  return { child, pid, spawnedAt, exited, hasExited: () => done, output: () => out, stop };
}

/** One GET; resolves the status code, or 0 when nothing answers yet. */
export function probe(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/**
 * Polls /readyz every 10 ms until the first 200 and returns the ms since spawn. 10 ms keeps the
 * measurement error small without stealing a noticeable share of one of the two cores from the server.
 */
export async function waitReady(s: Spawned, baseUrl: string, timeoutMs = 120_000): Promise<number> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (s.hasExited()) throw new Error(`server exited before it was ready. Output:\n${s.output()}`);
    if ((await probe(`${baseUrl}/readyz`)) === 200) return performance.now() - s.spawnedAt;
    await sleep(10);
  }
  await s.stop().catch(() => undefined);
  throw new Error(`server not ready within ${timeoutMs / 1000} s. Output:\n${s.output()}`);
}
