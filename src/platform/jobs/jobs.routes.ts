import type { App } from '../http/types.ts';
import { page } from '../http/pagination.contract.ts';
import { Job, JobIdParam, JobListQuery } from './jobs.contract.ts';
import { listJobs, retryJob } from './jobs.service.ts';

const tags = ['jobs'];

export function jobsRoutes(app: App) {
  app.get(
    '/api/v1/jobs',
    { config: { access: 'jobs.manage' }, schema: { tags, summary: 'Background jobs of this organisation, newest first', querystring: JobListQuery, response: { 200: page(Job) } } },
    (req) => listJobs(req.ctx, req.query),
  );
  app.post(
    '/api/v1/jobs/:id/retry',
    { config: { access: 'jobs.manage' }, schema: { tags, summary: 'Run a dead-lettered job again', params: JobIdParam, response: { 200: Job } } },
    (req) => retryJob(req.ctx, req.params.id),
  );
}
