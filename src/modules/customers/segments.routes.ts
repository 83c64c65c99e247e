import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { ExportQuery, sendExport } from '../../platform/export/export.ts';
import { CountSegment, CreateSegment, Segment, SegmentCount, SegmentMembersPage, SegmentMembersQuery, UpdateSegment } from './segments.contract.ts';
import { countSegment, createSegment, deleteSegment, getSegment, listSegments, segmentExportPages, segmentMembers, updateSegment, type ExportRow } from './segments.service.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['customers'];
const yuan = (fen: number) => Math.round(fen) / 100;

export function segmentsRoutes(app: App) {
  app.get('/api/v1/segments', { config: { access: 'customers.read' }, schema: { tags, summary: 'Shared segments and my own', response: { 200: z.array(Segment) } } }, (req) => listSegments(req.ctx));
  app.post(
    '/api/v1/segments',
    { config: { access: 'customers.write', idempotent: true }, schema: { tags, summary: 'Save a customer filter as a segment (personal unless shared)', body: CreateSegment, response: { 201: Segment } } },
    async (req, reply) => reply.code(201).send(await createSegment(req.ctx, req.body)),
  );
  app.post(
    '/api/v1/segments/count',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Live count of customers matching an unsaved filter', body: CountSegment, response: { 200: SegmentCount } } },
    async (req) => ({ count: await countSegment(req.ctx, req.body.filter) }),
  );
  app.post(
    '/api/v1/segments/members',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Customers matching an unsaved filter, by id (keyset: afterId)', body: CountSegment, querystring: SegmentMembersQuery, response: { 200: SegmentMembersPage } } },
    (req) => segmentMembers(req.ctx, req.body.filter, req.query),
  );
  app.get('/api/v1/segments/:id', { config: { access: 'customers.read' }, schema: { tags, summary: 'One segment', params: IdParam, response: { 200: Segment } } }, (req) => getSegment(req.ctx, req.params.id));
  app.patch(
    '/api/v1/segments/:id',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Change a segment (its owner, or a manager)', params: IdParam, body: UpdateSegment, response: { 200: Segment } } },
    (req) => updateSegment(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/segments/:id',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Delete a segment (its owner, or a manager)', params: IdParam, querystring: z.object({ version: z.coerce.number().int().positive() }), response: { 204: z.null() } } },
    async (req, reply) => {
      await deleteSegment(req.ctx, req.params.id, req.query.version);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/segments/:id/count',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'How many customers the segment holds now', params: IdParam, response: { 200: SegmentCount } } },
    async (req) => ({ count: await countSegment(req.ctx, req.params.id) }),
  );
  app.get(
    '/api/v1/segments/:id/customers',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Customers of the segment, by id (keyset: afterId)', params: IdParam, querystring: SegmentMembersQuery, response: { 200: SegmentMembersPage } } },
    (req) => segmentMembers(req.ctx, req.params.id, req.query),
  );
  app.get(
    '/api/v1/segments/:id/export',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Customers of the segment as CSV or XLSX', params: IdParam, querystring: ExportQuery } },
    async (req, reply) => {
      const s = await getSegment(req.ctx, req.params.id);
      return sendExport<ExportRow>(reply, {
        format: req.query.format,
        filename: s.name,
        locale: req.ctx.locale,
        timeZone: req.ctx.timeZone,
        rows: segmentExportPages(req.ctx, req.params.id),
        columns: [
          { header: { en: 'Name', 'zh-CN': '姓名' }, value: (r) => r.name },
          { header: { en: 'Kind', 'zh-CN': '类型' }, value: (r) => r.kind },
          { header: { en: 'Tier', 'zh-CN': '等级' }, value: (r) => r.tier },
          { header: { en: 'Phone', 'zh-CN': '电话' }, value: (r) => r.phone },
          { header: { en: 'E-mail', 'zh-CN': '邮箱' }, value: (r) => r.email },
          { header: { en: 'Province', 'zh-CN': '省份' }, value: (r) => r.province },
          { header: { en: 'City', 'zh-CN': '城市' }, value: (r) => r.city },
          { header: { en: 'Birthday', 'zh-CN': '生日' }, value: (r) => r.birthday },
          { header: { en: 'Orders', 'zh-CN': '订单数' }, value: (r) => r.ordersCount },
          { header: { en: 'Revenue (CNY)', 'zh-CN': '消费金额（元）' }, value: (r) => yuan(r.revenueFen) },
          { header: { en: 'Last purchase', 'zh-CN': '最近购买' }, value: (r) => (r.lastOrderAt ? new Date(r.lastOrderAt) : null) },
          { header: { en: 'Customer id', 'zh-CN': '客户 ID' }, value: (r) => r.id },
        ],
      });
    },
  );
}
