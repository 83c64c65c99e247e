import { z } from 'zod';
import { PageQuery } from '../../platform/http/pagination.contract.ts';
import { ExportFormat } from '../../platform/export/export.contract.ts';

/** Months of warranty (三包有效期); 0 = none, at most 20 years. */
const WarrantyMonths = z.number().int().min(0).max(240);
/** Money in integer fen (1/100 yuan). */
export const Fen = z.number().int().min(0).max(1_000_000_000_00);

export const CategoryCode = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);

export const Category = z.object({
  id: z.string().uuid(),
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  parentId: z.string().uuid().nullable(),
  warrantyMonths: z.number().int(),
  /** products in this category (not counting sub-categories) */
  productCount: z.number().int(),
  version: z.number().int(),
  createdAt: z.string(),
});
export type Category = z.infer<typeof Category>;

export const CreateCategory = z.object({
  code: CategoryCode,
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
  parentId: z.string().uuid().nullable().optional(),
  warrantyMonths: WarrantyMonths.default(12),
});
export type CreateCategory = z.infer<typeof CreateCategory>;

export const UpdateCategory = CreateCategory.partial().extend({ version: z.number().int().positive() });
export type UpdateCategory = z.infer<typeof UpdateCategory>;

export const Product = z.object({
  id: z.string().uuid(),
  sku: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  model: z.string().nullable(),
  brand: z.string().nullable(),
  categoryId: z.string().uuid().nullable(),
  categoryCode: z.string().nullable(),
  categoryNameZh: z.string().nullable(),
  categoryNameEn: z.string().nullable(),
  /** the product's own override, null = the category's */
  warrantyMonths: z.number().int().nullable(),
  /** what applies: the override, else the category's, else 0 (no category) */
  effectiveWarrantyMonths: z.number().int(),
  serialTracked: z.boolean(),
  priceFen: z.number().int(),
  /** unit cost when known (CLV margin); null = unknown */
  costFen: z.number().int().nullable(),
  currency: z.string(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Product = z.infer<typeof Product>;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === undefined ? undefined : v || null));

export const CreateProduct = z.object({
  sku: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[^\s]+$/),
  name: z.string().trim().min(1).max(200),
  nameEn: optionalText(200),
  model: optionalText(100),
  brand: optionalText(100),
  categoryId: z.string().uuid().nullable().optional(),
  warrantyMonths: WarrantyMonths.nullable().optional(),
  serialTracked: z.boolean().default(false),
  priceFen: Fen.default(0),
  costFen: Fen.nullable().optional(),
  active: z.boolean().default(true),
});
export type CreateProduct = z.input<typeof CreateProduct>;
export type CreateProductParsed = z.infer<typeof CreateProduct>;

export const UpdateProduct = z.object({
  version: z.number().int().positive(),
  sku: CreateProduct.shape.sku.optional(),
  name: CreateProduct.shape.name.optional(),
  nameEn: optionalText(200),
  model: optionalText(100),
  brand: optionalText(100),
  categoryId: z.string().uuid().nullable().optional(),
  warrantyMonths: WarrantyMonths.nullable().optional(),
  serialTracked: z.boolean().optional(),
  priceFen: Fen.optional(),
  costFen: Fen.nullable().optional(),
  active: z.boolean().optional(),
});
export type UpdateProduct = z.infer<typeof UpdateProduct>;

const BoolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ProductFilters = z.object({
  /** SKU, name (zh/en) or model fragment */
  q: z.string().trim().max(100).optional(),
  categoryId: z.string().uuid().optional(),
  brand: z.string().trim().max(100).optional(),
  active: BoolQuery.optional(),
  serialTracked: BoolQuery.optional(),
});
export type ProductFilters = z.infer<typeof ProductFilters>;
export const ProductListQuery = PageQuery.extend(ProductFilters.shape);
export type ProductListQuery = z.infer<typeof ProductListQuery>;
export const ProductExportQuery = ProductFilters.extend({ format: ExportFormat.default('csv') });

/** The product's warranty: its own override when set, else its category's, else none. */
export function effectiveWarranty(productMonths: number | null, categoryMonths: number | null): number {
  return productMonths ?? categoryMonths ?? 0;
}
