import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot, startServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    smtpPort: number;
  }
}

/**
 * Builds the web app if its sources changed, starts one server for all e2e files, stops it at the end.
 * E2E_BASE_URL=http://127.0.0.1:PORT runs the tests against a server you started yourself (fresh demo data;
 * E2E_SMTP_PORT names its SMTP port, default 2525).
 */
export default async function setup(project: TestProject) {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-web-if-needed.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  const given = process.env.E2E_BASE_URL;
  if (given) {
    if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(given)) throw new Error('E2E_BASE_URL must be a loopback http:// origin');
    project.provide('baseURL', given);
    project.provide('smtpPort', Number(process.env.E2E_SMTP_PORT || 2525));
    return;
  }
  const server = await startServer();
  project.provide('baseURL', server.baseURL);
  project.provide('smtpPort', server.smtpPort);
  return async () => {
    await server.stop();
  };
}
