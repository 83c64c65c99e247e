import { eq } from 'drizzle-orm';
import { registerJob } from '../../platform/jobs/index.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { finishImport, IMPORT_JOB, runImport } from './import.service.ts';

registerEventTypes('import.completed', 'import.failed');

/**
 * Runs an uploaded import. At-least-once is safe: each chunk commits with the job's `processed` cursor,
 * and externalIds already present are skipped. On the last failed attempt the import is marked failed.
 */
registerJob<{ importId: string }>(
  IMPORT_JOB,
  async (job) => {
    try {
      await runImport(job.db, job.tenantId, job.payload.importId);
    } catch (e) {
      if (job.attempt >= job.maxAttempts) {
        const [tenant] = await job.db.select().from(tenants).where(eq(tenants.id, job.tenantId));
        if (tenant) await finishImport(job.db, tenant, job.payload.importId, 'failed');
      }
      throw e;
    }
  },
  { maxAttempts: 3 },
);
