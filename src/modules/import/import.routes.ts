import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { AppError } from '../../platform/http/errors.ts';
import { ImportJob, ImportJobListQuery, ImportQuery, ImportTicketLine } from './import.contract.ts';
import { getImport, listImports, startImport } from './import.service.ts';

/** Upload cap for one NDJSON file (about 40,000 tickets with 4 messages each per 50 MB). */
export const IMPORT_BODY_LIMIT = Number(process.env.IMPORT_BODY_LIMIT_BYTES) || 50 * 1024 * 1024;

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['import'];
const lineSchema = JSON.stringify(z.toJSONSchema(ImportTicketLine, { io: 'input' }));

export function importRoutes(app: App) {
  // Scoped to this plugin: the rest of the API keeps its JSON-only parser. Strict UTF-8 like the JSON parser:
  // a file in GBK must be re-encoded, not imported as mojibake.
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body: Buffer, done) => {
    try {
      done(null, new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      done(new AppError(400, 'bad_utf8'));
    }
  });

  app.post(
    '/api/v1/import/tickets',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { access: 'tickets.import' },
      schema: {
        tags,
        summary: 'Import ticket history (NDJSON, one ticket per line); idempotent by externalId',
        description:
          'Body: `application/x-ndjson`, one JSON object per line. Lines whose externalId was imported before are skipped unchanged ' +
          '(the first import wins; correct such tickets in the product). Bad lines are reported with their line number and do not stop the others. ' +
          `Up to ${process.env.IMPORT_INLINE_MAX_LINES || 500} lines are imported in the request (201); larger files run as a background job (202) — poll GET /api/v1/import/jobs/{id}. ` +
          `Schema of one line: \`${lineSchema}\``,
        consumes: ['application/x-ndjson'],
        querystring: ImportQuery,
        body: z.string(),
        response: { 201: ImportJob, 202: ImportJob },
      },
    },
    async (req, reply) => {
      const { job, inline } = await startImport(req.ctx, req.body, { fileName: req.query.fileName, background: req.query.background === 'true' });
      return reply.code(inline ? 201 : 202).send(job);
    },
  );
  app.get('/api/v1/import/jobs', { config: { access: 'tickets.import' }, schema: { tags, summary: 'Recent imports, newest first', querystring: ImportJobListQuery, response: { 200: z.object({ items: z.array(ImportJob) }) } } }, (req) =>
    listImports(req.ctx, req.query.limit),
  );
  app.get('/api/v1/import/jobs/:id', { config: { access: 'tickets.import' }, schema: { tags, summary: 'Progress, counts and line errors of one import', params: IdParam, response: { 200: ImportJob } } }, (req) =>
    getImport(req.ctx, req.params.id),
  );
}
