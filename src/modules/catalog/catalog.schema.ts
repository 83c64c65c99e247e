import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const productCategories = pgTable(
  'product_categories',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    parentId: uuid('parent_id'),
    /** Default warranty (三包有效期) of products in this category, months. */
    warrantyMonths: integer('warranty_months').notNull().default(12),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('product_categories_code_idx').on(t.tenantId, t.code)],
);

export const products = pgTable(
  'products',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    /** The model (型号) that field service, assets and fault statistics group by. */
    model: text('model'),
    brand: text('brand'),
    categoryId: uuid('category_id'),
    /** Overrides the category's warranty when set, months. */
    warrantyMonths: integer('warranty_months'),
    serialTracked: boolean('serial_tracked').notNull().default(false),
    priceFen: bigint('price_fen', { mode: 'number' }).notNull().default(0),
    /** Unit cost when known (for CLV margin); null = unknown. */
    costFen: bigint('cost_fen', { mode: 'number' }),
    currency: text('currency').notNull().default('CNY'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('products_sku_idx').on(t.tenantId, t.sku),
    index('products_model_idx').on(t.tenantId, t.model),
    index('products_category_idx').on(t.tenantId, t.categoryId),
  ],
);
