import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { App } from '../http/types.ts';
import { page } from '../http/pagination.contract.ts';
import { AuditEntry, AuditFilter, AuditQuery } from './audit.contract.ts';
import { exportAudit, listAudit } from './audit.service.ts';

const csvColumns = ['id', 'at', 'actorName', 'actorUserId', 'actorTokenId', 'action', 'entityType', 'entityId', 'ip', 'requestId', 'before', 'after'] as const;

export function auditRoutes(app: App) {
  app.get(
    '/api/v1/audit',
    { config: { access: 'audit.read' }, schema: { tags: ['audit'], summary: 'Audit log, newest first, filterable by user, entity, action and time', querystring: AuditQuery, response: { 200: page(AuditEntry) } } },
    (req) => listAudit(req.ctx, req.query),
  );
  app.get(
    '/api/v1/audit/export.csv',
    {
      config: { access: 'audit.read' },
      schema: { tags: ['audit'], summary: 'Export the filtered audit log as CSV (UTF-8 with BOM, opens in Excel)', querystring: AuditFilter },
    },
    async (req, reply) => {
      const ctx = req.ctx;
      const rowsOut = Readable.from(
        (async function* () {
          for await (const e of exportAudit(ctx, req.query)) {
            yield csvColumns.map((c) => {
              const v = e[c];
              return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
            });
          }
        })(),
      );
      const csv = rowsOut.pipe(stringify({ header: true, columns: [...csvColumns], bom: true }));
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-log-${stamp}.csv"`)
        .send(csv);
    },
  );
}
