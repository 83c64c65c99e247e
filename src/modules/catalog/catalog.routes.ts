import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import { sendExport, type ExportColumn } from '../../platform/export/export.ts';
import { Category, CreateCategory, CreateProduct, Product, ProductExportQuery, ProductListQuery, UpdateCategory, UpdateProduct } from './catalog.contract.ts';
import { createCategory, createProduct, deleteCategory, getCategory, getProduct, listCategories, listProducts, productPages, updateCategory, updateProduct } from './catalog.service.ts';

registerEventTypes('product.created', 'product.updated', 'product_category.created', 'product_category.updated', 'product_category.deleted');

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['catalog'];
const yuan = (fen: number | null) => (fen === null ? null : fen / 100);

const productColumns: ExportColumn<Product>[] = [
  { header: { en: 'SKU', 'zh-CN': 'SKU' }, value: (p) => p.sku },
  { header: { en: 'Name', 'zh-CN': '名称' }, value: (p) => p.name },
  { header: { en: 'Name (English)', 'zh-CN': '英文名称' }, value: (p) => p.nameEn },
  { header: { en: 'Model', 'zh-CN': '型号' }, value: (p) => p.model },
  { header: { en: 'Brand', 'zh-CN': '品牌' }, value: (p) => p.brand },
  { header: { en: 'Category code', 'zh-CN': '品类编码' }, value: (p) => p.categoryCode },
  { header: { en: 'Category', 'zh-CN': '品类' }, value: (p) => p.categoryNameZh },
  { header: { en: 'Warranty override (months)', 'zh-CN': '保修期覆盖（月）' }, value: (p) => p.warrantyMonths },
  { header: { en: 'Warranty (months)', 'zh-CN': '有效保修期（月）' }, value: (p) => p.effectiveWarrantyMonths },
  { header: { en: 'Serial-tracked', 'zh-CN': '序列号管理' }, value: (p) => (p.serialTracked ? 1 : 0) },
  { header: { en: 'Price (CNY)', 'zh-CN': '售价（元）' }, value: (p) => yuan(p.priceFen) },
  { header: { en: 'Cost (CNY)', 'zh-CN': '成本（元）' }, value: (p) => yuan(p.costFen) },
  { header: { en: 'Active', 'zh-CN': '在售' }, value: (p) => (p.active ? 1 : 0) },
];

export function catalogRoutes(app: App) {
  app.get('/api/v1/catalog/categories', { config: { access: 'catalog.read' }, schema: { tags, summary: 'All product categories with their default warranty', response: { 200: z.array(Category) } } }, (req) =>
    listCategories(req.ctx),
  );
  app.post(
    '/api/v1/catalog/categories',
    { config: { access: 'catalog.manage', idempotent: true }, schema: { tags, summary: 'Create a category (code unique per organisation)', body: CreateCategory, response: { 201: Category } } },
    async (req, reply) => reply.code(201).send(await createCategory(req.ctx, req.body)),
  );
  app.get('/api/v1/catalog/categories/:id', { config: { access: 'catalog.read' }, schema: { tags, summary: 'One category', params: IdParam, response: { 200: Category } } }, (req) =>
    getCategory(req.ctx, req.params.id),
  );
  app.patch(
    '/api/v1/catalog/categories/:id',
    { config: { access: 'catalog.manage' }, schema: { tags, summary: 'Change a category (with the version read; 409 when stale)', params: IdParam, body: UpdateCategory, response: { 200: Category } } },
    (req) => updateCategory(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/catalog/categories/:id',
    { config: { access: 'catalog.manage' }, schema: { tags, summary: 'Delete an empty category (409 while products or sub-categories use it)', params: IdParam, querystring: z.object({ version: z.coerce.number().int().positive() }) } },
    async (req, reply) => {
      await deleteCategory(req.ctx, req.params.id, req.query.version);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/catalog/products',
    { config: { access: 'catalog.read' }, schema: { tags, summary: 'Products by SKU, with filters and search by SKU, name or model', querystring: ProductListQuery, response: { 200: page(Product) } } },
    (req) => listProducts(req.ctx, req.query),
  );
  app.get(
    '/api/v1/catalog/products/export',
    { config: { access: 'catalog.read' }, schema: { tags, summary: 'The filtered product list as CSV (UTF-8 with BOM) or XLSX', querystring: ProductExportQuery } },
    (req, reply) => {
      const { format, ...filters } = req.query;
      return sendExport(reply, { format, filename: req.locale === 'en' ? 'products' : '产品', locale: req.locale, timeZone: req.ctx.timeZone, columns: productColumns, rows: productPages(req.ctx, filters) });
    },
  );
  app.post(
    '/api/v1/catalog/products',
    { config: { access: 'catalog.manage', idempotent: true }, schema: { tags, summary: 'Create a product (SKU unique per organisation; prices in fen)', body: CreateProduct, response: { 201: Product } } },
    async (req, reply) => reply.code(201).send(await createProduct(req.ctx, req.body)),
  );
  app.get('/api/v1/catalog/products/:id', { config: { access: 'catalog.read' }, schema: { tags, summary: 'One product with its effective warranty', params: IdParam, response: { 200: Product } } }, (req) =>
    getProduct(req.ctx, req.params.id),
  );
  app.patch(
    '/api/v1/catalog/products/:id',
    {
      config: { access: 'catalog.manage' },
      schema: { tags, summary: 'Change a product, or deactivate it (active: false); products stay because orders refer to them', params: IdParam, body: UpdateProduct, response: { 200: Product } },
    },
    (req) => updateProduct(req.ctx, req.params.id, req.body),
  );
}
