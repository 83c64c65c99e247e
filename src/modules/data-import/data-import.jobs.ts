import { eq } from 'drizzle-orm';
import { registerJob } from '../../platform/jobs/index.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import { executeSheet, finish, SHEET_IMPORT_JOB } from './data-import.service.ts';

/**
 * Runs an uploaded spreadsheet import. At-least-once is safe: each chunk commits with the row cursor, and
 * rows written again are equal (upserts that change nothing). On the last failed attempt it is marked failed.
 */
registerJob<{ importId: string }>(
  SHEET_IMPORT_JOB,
  async (job) => {
    try {
      await executeSheet(job.db, job.tenantId, job.payload.importId);
    } catch (e) {
      if (job.attempt >= job.maxAttempts) {
        const [tenant] = await job.db.select().from(tenants).where(eq(tenants.id, job.tenantId));
        if (tenant) await finish(job.db, tenant, job.payload.importId, 'failed', { code: 'job_failed' });
      }
      throw e;
    }
  },
  { maxAttempts: 3 },
);
