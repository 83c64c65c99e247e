import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { ExportQuery, sendExport, type ExportColumn } from '../../platform/export/export.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import {
  CreateCustomer,
  Customer,
  CustomerListFilter,
  CustomerListItem,
  CustomerListQuery,
  CustomerLookupQuery,
  DuplicateCheckQuery,
  DuplicateProblem,
  PossibleDuplicate,
  UpdateCustomer,
} from './customers.contract.ts';
import { getCustomer, lookupCustomers } from './customers.service.ts';
import { createCustomer, updateCustomer } from './customers.write.ts';
import { duplicateAwareErrors } from './customers.http.ts';
import { customerExportPages, listCustomers } from './customers.list.ts';
import { checkDuplicates, possibleDuplicates } from './customers.duplicates.ts';
import { customerDetailRoutes } from './customers.details.routes.ts';

registerEventTypes(
  'customer.created',
  'customer.updated',
  'customer.identity_added',
  'customer.identity_removed',
  'customer.address_added',
  'customer.address_updated',
  'customer.address_removed',
  'customer.consent_changed',
  'customer.note_added',
  'customer.note_removed',
);

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['customers'];

const yuan = (fen: number) => Math.round(fen) / 100;
const idents = (c: Customer, kind: string) =>
  c.identities
    .filter((i) => i.kind === kind)
    .map((i) => i.value)
    .join('; ');

const exportColumns: ExportColumn<CustomerListItem>[] = [
  { header: { en: 'Name', 'zh-CN': '姓名/名称' }, value: (c) => c.name },
  { header: { en: 'Kind', 'zh-CN': '类型' }, value: (c) => c.kind },
  { header: { en: 'Tier', 'zh-CN': '等级' }, value: (c) => c.tier },
  { header: { en: 'Phones', 'zh-CN': '电话' }, value: (c) => idents(c, 'phone') },
  { header: { en: 'E-mails', 'zh-CN': '邮箱' }, value: (c) => idents(c, 'email') },
  { header: { en: 'External ids', 'zh-CN': '外部编号' }, value: (c) => idents(c, 'external') },
  { header: { en: 'Company', 'zh-CN': '所属公司' }, value: (c) => c.companyName },
  { header: { en: 'Region', 'zh-CN': '地区' }, value: (c) => c.region },
  { header: { en: 'Gender', 'zh-CN': '性别' }, value: (c) => c.gender },
  { header: { en: 'Birthday', 'zh-CN': '生日' }, value: (c) => c.birthday },
  { header: { en: 'Language', 'zh-CN': '语言' }, value: (c) => c.language },
  { header: { en: 'Tags', 'zh-CN': '标签' }, value: (c) => c.tags.join('; ') },
  { header: { en: 'Orders', 'zh-CN': '订单数' }, value: (c) => c.ordersCount },
  { header: { en: 'Net revenue (CNY)', 'zh-CN': '净消费额（元）' }, value: (c) => yuan(c.revenueFen) },
  { header: { en: 'Historical CLV (CNY)', 'zh-CN': '历史客户终身价值（元）' }, value: (c) => yuan(c.clvFen) },
  { header: { en: 'Last order', 'zh-CN': '最近购买' }, value: (c) => (c.lastOrderAt ? new Date(c.lastOrderAt) : null) },
  { header: { en: 'Source', 'zh-CN': '来源' }, value: (c) => c.source },
  { header: { en: 'Created', 'zh-CN': '创建时间' }, value: (c) => new Date(c.createdAt) },
  { header: { en: 'Id', 'zh-CN': '编号' }, value: (c) => c.id },
];

export function customersRoutes(app: App) {
  app.get(
    '/api/v1/customers',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Find customers by phone, e-mail, external id or name', querystring: CustomerLookupQuery, response: { 200: z.array(Customer) } } },
    (req) => lookupCustomers(req.ctx, req.query.q, req.query.limit),
  );
  app.get(
    '/api/v1/customers/list',
    {
      config: { access: 'customers.read' },
      schema: { tags, summary: 'Customers in name order: search (two Chinese characters are enough), tier, tag, owner, region, kind; cursor pagination', querystring: CustomerListQuery, response: { 200: page(CustomerListItem) } },
    },
    (req) => listCustomers(req.ctx, req.query),
  );
  app.get(
    '/api/v1/customers/export',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'The filtered customer list as CSV (UTF-8 with BOM) or XLSX', querystring: CustomerListFilter.extend(ExportQuery.shape) } },
    (req, reply) => {
      const { format, ...filters } = req.query;
      return sendExport(reply, { format, filename: req.locale === 'en' ? 'customers' : '客户', locale: req.locale, timeZone: req.ctx.timeZone, columns: exportColumns, rows: customerExportPages(req.ctx, filters) });
    },
  );
  app.get(
    '/api/v1/customers/duplicates',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Customers that already have this phone, e-mail or external id (or exactly this name): the warning while creating', querystring: DuplicateCheckQuery, response: { 200: z.array(PossibleDuplicate) } } },
    (req) => checkDuplicates(req.ctx, req.query),
  );
  app.post(
    '/api/v1/customers',
    {
      config: { access: 'customers.write', idempotent: true },
      errorHandler: duplicateAwareErrors,
      schema: {
        tags,
        summary: 'Create a customer. A phone, e-mail or external id that another customer has is a 409 naming that customer, unless onDuplicate says what to do (use_existing → 200 with that customer)',
        body: CreateCustomer,
        response: { 200: Customer, 201: Customer, 409: DuplicateProblem },
      },
    },
    async (req, reply) => {
      const { customer, created } = await createCustomer(req.ctx, req.body);
      return reply.code(created ? 201 : 200).send(customer);
    },
  );
  app.get(
    '/api/v1/customers/:id',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'One customer with identities; a merged customer names the survivor in mergedIntoId', params: IdParam, response: { 200: Customer } } },
    (req) => getCustomer(req.ctx, req.params.id),
  );
  app.patch(
    '/api/v1/customers/:id',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Change the profile (with the version read; 409 when stale)', params: IdParam, body: UpdateCustomer, response: { 200: Customer } } },
    (req) => updateCustomer(req.ctx, req.params.id, req.body),
  );
  app.get(
    '/api/v1/customers/:id/possible-duplicates',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Other customers that may be the same person or company (same name, or their phones in each other’s addresses)', params: IdParam, response: { 200: z.array(PossibleDuplicate) } } },
    (req) => possibleDuplicates(req.ctx, req.params.id),
  );
  customerDetailRoutes(app);
}
