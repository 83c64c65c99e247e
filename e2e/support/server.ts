import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface RunningServer {
  baseURL: string;
  /** the server's inbound SMTP port (loopback) */
  smtpPort: number;
  dataDir: string;
  /** everything the server printed, for failure reports */
  output: () => string;
  stop: () => Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; closed again before the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(baseURL: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${baseURL}/readyz`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server was not ready within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts the server the way `npm start` does (the bundle dist/server/main.mjs, which `npm run test:e2e` builds
 * first when its sources changed) on a free loopback port with a fresh, empty data dir (embedded PGlite, demo data seeded). */
export async function startServer(): Promise<RunningServer> {
  const port = await freePort();
  const smtpPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersales-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', SEED_DEMO: 'true', PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_PORT: String(smtpPort), SMTP_HOST: '127.0.0.1', SMTP_ENABLED: 'true', ALLOW_PRIVATE_WEBHOOK_TARGETS: '1' }; // the webhook journeys post to loopback receivers
  delete env.SMTP_OUT_URL; // replies go to the local outbox, which the tests read
  delete env.DATABASE_URL; // always the embedded database: the test owns its data
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server/main.mjs'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (b: Buffer) => {
    log = (log + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const output = () => log;
  const baseURL = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(baseURL, child, output, 120_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseURL, smtpPort, dataDir, output, stop };
}
