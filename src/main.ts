import v8 from 'node:v8';
import { loadConfig } from './config.ts';
import { openDatabase } from './platform/db/db.ts';
import { DataDirLockedError } from './platform/db/lock.ts';
import { buildApp } from './platform/http/app.ts';
import { allRoutes, openApiTags } from './routes.ts';
import './jobs.ts';
import { scheduleHousekeeping } from './platform/jobs/housekeeping.ts';
import { startWorker } from './platform/jobs/worker.ts';
import { seedDemo } from '../scripts/seed.lib.ts';
import { encryptPlainImapPasswords, encryptPlainInboundSecrets, startMailListener } from './modules/channels/index.ts';
import { resolveSecretsKey, SecretsKeyError } from './platform/crypto/secrets.ts';
import { encryptPlainWebhookSecrets } from './platform/webhooks/webhooks.service.ts';
import { encryptPlainSmsSecrets } from './modules/campaigns/index.ts';
import { demoTenants, DEMO_PASSWORD } from '../scripts/demo-data.ts';

async function main() {
  const started = Date.now();
  const config = loadConfig();
  // Under load V8's own rule lets the old generation fill with dead request garbage up to ~200 MB before it
  // collects (server RSS 320 MB in the ticket benchmark); growing by half of what survives keeps it at 50–80 MB,
  // RSS ~200 MB, with equal or better throughput (docs/benchmarks.md, "RSS"). V8 reads the flag at every
  // collection, so setting it here, before the first large allocation, is enough.
  if (config.heapGrowingPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  try {
    // before anything else: a PostgreSQL deployment without SECRETS_KEY must not start and store secrets it cannot read back
    resolveSecretsKey(config);
  } catch (e) {
    if (e instanceof SecretsKeyError) {
      console.error(`\n✗ ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  let database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(`\n✗ ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  await database.migrate();
  // secrets stored in plain text by earlier versions are encrypted once, here, rather than on their next save only
  let encrypted = 0;
  for (const step of [encryptPlainWebhookSecrets, encryptPlainImapPasswords, encryptPlainInboundSecrets, encryptPlainSmsSecrets]) encrypted += await step(database.db);
  const seeded = config.seedDemo ? await seedDemo(database.db) : false;
  await scheduleHousekeeping(database.db);
  const app = await buildApp({ database, config }, allRoutes, { tags: openApiTags });
  await app.listen({ port: config.port, host: config.host });
  if (encrypted > 0) app.log.info({ count: encrypted }, 'stored secrets encrypted with the secrets key');
  // Jobs, schedules and outbox delivery; RUN_WORKER=false makes an API-only process (PostgreSQL deployments).
  const worker = config.runWorker ? startWorker(database, { log: app.log }) : null;
  // E-mail intake (modules/channels): inbound SMTP; messages are stored before the 250 reply and turned
  // into tickets by the worker. SMTP_ENABLED=false for API-only processes.
  const smtp = config.smtpEnabled
    ? await startMailListener(database, config, app.log).catch((e: Error) => {
        // a busy port must not take the whole product down: the web app and IMAP polling still work
        app.log.error({ err: e.message, port: config.smtpPort }, 'SMTP listener not started');
        return null;
      })
    : null;

  const where = database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  const lines = [
    '',
    `After-sales platform is running at ${config.publicUrl}  (database: ${where}, ready in ${Date.now() - started} ms)`,
    `API docs: ${config.publicUrl}/api/docs`,
    ...(smtp ? [`Inbound mail (SMTP): ${config.smtpHost}:${smtp.port}, e.g. support@<organisation>.${config.mailDomain}`] : []),
  ];
  if (config.seedDemo) {
    lines.push(seeded ? 'Demo data created. Demo sign-ins (password for all):' : 'Demo sign-ins (password for all, unless changed):');
    for (const t of demoTenants) {
      lines.push(`  organisation "${t.slug}" — ${t.name}`);
      for (const u of t.users) lines.push(`    ${u.roles.join(',').padEnd(16)} ${u.email}`);
    }
    lines.push(`  password: ${DEMO_PASSWORD}`);
  }
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await smtp?.close(); // e-mail intake: stop accepting before the worker and the database go
    await worker?.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  // `npm start` does not pass SIGTERM on to this process: when npm goes away we are re-parented, so stop
  // too rather than keep the port and the PGlite lock as an orphan.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent exited');
  }, 1000).unref();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
