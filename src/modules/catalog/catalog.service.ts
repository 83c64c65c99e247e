import { and, asc, count, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { AppError, fieldError, notFound } from '../../platform/http/errors.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { productCategories, products } from './catalog.schema.ts';
import {
  effectiveWarranty,
  type Category,
  type CreateCategory,
  type CreateProduct,
  type Product,
  type ProductFilters,
  type ProductListQuery,
  type UpdateCategory,
  type UpdateProduct,
  CreateProduct as CreateProductSchema,
} from './catalog.contract.ts';

type CategoryRow = typeof productCategories.$inferSelect;
type ProductRow = typeof products.$inferSelect;

function toCategory(r: CategoryRow, productCount = 0): Category {
  return { id: r.id, code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, parentId: r.parentId, warrantyMonths: r.warrantyMonths, productCount, version: r.version, createdAt: r.createdAt.toISOString() };
}

function toProduct(r: ProductRow, cat: Pick<CategoryRow, 'code' | 'nameZh' | 'nameEn' | 'warrantyMonths'> | null): Product {
  return {
    id: r.id,
    sku: r.sku,
    name: r.name,
    nameEn: r.nameEn,
    model: r.model,
    brand: r.brand,
    categoryId: r.categoryId,
    categoryCode: cat?.code ?? null,
    categoryNameZh: cat?.nameZh ?? null,
    categoryNameEn: cat?.nameEn ?? null,
    warrantyMonths: r.warrantyMonths,
    effectiveWarrantyMonths: effectiveWarranty(r.warrantyMonths, cat?.warrantyMonths ?? null),
    serialTracked: r.serialTracked,
    priceFen: r.priceFen,
    costFen: r.costFen,
    currency: r.currency,
    active: r.active,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

// ---------- categories ----------

export async function listCategories(ctx: Ctx): Promise<Category[]> {
  const rs = await ctx.db.select().from(productCategories).where(eq(productCategories.tenantId, ctx.tenantId)).orderBy(asc(productCategories.code));
  const counts = await ctx.db
    .select({ categoryId: products.categoryId, n: count() })
    .from(products)
    .where(eq(products.tenantId, ctx.tenantId))
    .groupBy(products.categoryId);
  const byId = new Map(counts.map((c) => [c.categoryId, Number(c.n)]));
  return rs.map((r) => toCategory(r, byId.get(r.id) ?? 0));
}

async function loadCategory(q: Queryable, tenantId: string, id: string, lock = false): Promise<CategoryRow | undefined> {
  const query = q.select().from(productCategories).where(and(eq(productCategories.tenantId, tenantId), eq(productCategories.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function getCategory(ctx: Ctx, id: string): Promise<Category> {
  const row = await loadCategory(ctx.db, ctx.tenantId, id);
  if (!row) throw notFound();
  const [{ n }] = await ctx.db.select({ n: count() }).from(products).where(and(eq(products.tenantId, ctx.tenantId), eq(products.categoryId, id)));
  return toCategory(row, Number(n));
}

async function assertCodeFree(q: Queryable, tenantId: string, code: string, exceptId?: string) {
  const [taken] = await q.select({ id: productCategories.id }).from(productCategories).where(and(eq(productCategories.tenantId, tenantId), eq(productCategories.code, code)));
  if (taken && taken.id !== exceptId) throw fieldError('code', 'category_code_taken', 409);
}

/** The parent must exist in this tenant and must not be the category itself or one of its descendants. */
async function assertParent(q: Queryable, tenantId: string, parentId: string | null | undefined, selfId?: string) {
  if (!parentId) return;
  const all = await q.select({ id: productCategories.id, parentId: productCategories.parentId }).from(productCategories).where(eq(productCategories.tenantId, tenantId));
  const parents = new Map(all.map((c) => [c.id, c.parentId]));
  if (!parents.has(parentId)) throw fieldError('parentId', 'not_found', 422);
  // walk up from the new parent; meeting ourselves means a cycle (the depth bound guards against bad data)
  for (let at: string | null | undefined = parentId, depth = 0; at && depth <= all.length; at = parents.get(at), depth++) {
    if (at === selfId) throw fieldError('parentId', 'category_cycle', 422);
  }
}

export async function createCategory(ctx: Ctx, input: CreateCategory): Promise<Category> {
  return ctx.tx(async (tx) => {
    await assertCodeFree(tx, ctx.tenantId, input.code);
    await assertParent(tx, ctx.tenantId, input.parentId);
    const [row] = await tx
      .insert(productCategories)
      .values({ tenantId: ctx.tenantId, code: input.code, nameZh: input.nameZh, nameEn: input.nameEn, parentId: input.parentId ?? null, warrantyMonths: input.warrantyMonths })
      .returning();
    const after = toCategory(row);
    await recordChange(tx, ctx, { action: 'created', entityType: 'product_category', entityId: row.id, after });
    return after;
  });
}

export async function updateCategory(ctx: Ctx, id: string, input: UpdateCategory): Promise<Category> {
  return ctx.tx(async (tx) => {
    const current = checkVersion(await loadCategory(tx, ctx.tenantId, id, true), input.version, 'product_category');
    if (input.code !== undefined) await assertCodeFree(tx, ctx.tenantId, input.code, id);
    if (input.parentId !== undefined) await assertParent(tx, ctx.tenantId, input.parentId, id);
    const { version: _v, ...patch } = input;
    const [row] = await tx
      .update(productCategories)
      .set({ ...patch, version: sql`${productCategories.version} + 1` })
      .where(and(eq(productCategories.tenantId, ctx.tenantId), eq(productCategories.id, id)))
      .returning();
    const after = toCategory(row);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'product_category', entityId: id, before: toCategory(current), after });
    return after;
  });
}

/** Only an empty category can go: products and sub-categories would lose their warranty default. */
export async function deleteCategory(ctx: Ctx, id: string, version: number): Promise<void> {
  await ctx.tx(async (tx) => {
    const current = checkVersion(await loadCategory(tx, ctx.tenantId, id, true), version, 'product_category');
    const [used] = await tx.select({ id: products.id }).from(products).where(and(eq(products.tenantId, ctx.tenantId), eq(products.categoryId, id))).limit(1);
    const [child] = await tx
      .select({ id: productCategories.id })
      .from(productCategories)
      .where(and(eq(productCategories.tenantId, ctx.tenantId), eq(productCategories.parentId, id)))
      .limit(1);
    if (used || child) throw new AppError(409, 'category_in_use');
    await tx.delete(productCategories).where(and(eq(productCategories.tenantId, ctx.tenantId), eq(productCategories.id, id)));
    await recordChange(tx, ctx, { action: 'deleted', entityType: 'product_category', entityId: id, before: toCategory(current) });
  });
}

// ---------- products ----------

const productSelect = {
  p: products,
  c: { code: productCategories.code, nameZh: productCategories.nameZh, nameEn: productCategories.nameEn, warrantyMonths: productCategories.warrantyMonths },
};

function withCategory(q: Queryable) {
  return q
    .select(productSelect)
    .from(products)
    .leftJoin(productCategories, and(eq(productCategories.tenantId, products.tenantId), eq(productCategories.id, products.categoryId)));
}

const rowToProduct = (r: { p: ProductRow; c: { code: string; nameZh: string; nameEn: string; warrantyMonths: number } | null }) => toProduct(r.p, r.c);

/** Products by id (other modules: order lines, assets); unknown ids are simply missing from the result. */
export async function productsByIds(q: Queryable, tenantId: string, ids: string[]): Promise<Product[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rs = await withCategory(q).where(and(eq(products.tenantId, tenantId), inArray(products.id, unique)));
  return rs.map(rowToProduct);
}

/** Products by SKU (imports map a file's SKU column to products). */
export async function productsBySkus(q: Queryable, tenantId: string, skus: string[]): Promise<Product[]> {
  const unique = [...new Set(skus)];
  if (unique.length === 0) return [];
  const rs = await withCategory(q).where(and(eq(products.tenantId, tenantId), inArray(products.sku, unique)));
  return rs.map(rowToProduct);
}

export async function getProduct(ctx: Ctx, id: string): Promise<Product> {
  const [p] = await productsByIds(ctx.db, ctx.tenantId, [id]);
  if (!p) throw notFound();
  return p;
}

function filterConditions(tenantId: string, f: ProductFilters): SQL[] {
  const conds: SQL[] = [eq(products.tenantId, tenantId)];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(or(sql`${products.sku} ilike ${like}`, sql`${products.name} ilike ${like}`, sql`${products.nameEn} ilike ${like}`, sql`${products.model} ilike ${like}`)!);
  }
  if (f.categoryId) conds.push(eq(products.categoryId, f.categoryId));
  if (f.brand) conds.push(eq(products.brand, f.brand));
  if (f.active !== undefined) conds.push(eq(products.active, f.active));
  if (f.serialTracked !== undefined) conds.push(eq(products.serialTracked, f.serialTracked));
  return conds;
}

/** Sorted by SKU (unique per tenant), keyset-paginated on it. */
export async function listProducts(ctx: Ctx, query: ProductListQuery) {
  const conds = filterConditions(ctx.tenantId, query);
  const after = decodeCursor(query.cursor, ['string']);
  if (after) conds.push(gt(products.sku, after[0] as string));
  const rs = await withCategory(ctx.db)
    .where(and(...conds))
    .orderBy(asc(products.sku))
    .limit(query.limit + 1);
  return toPage(rs.map(rowToProduct), query.limit, (p) => [p.sku]);
}

/** The filtered list in pages of `size`, for exports. */
export async function* productPages(ctx: Ctx, filters: ProductFilters, size = 500): AsyncGenerator<Product[]> {
  let after: string | null = null;
  for (;;) {
    const conds = filterConditions(ctx.tenantId, filters);
    if (after !== null) conds.push(gt(products.sku, after));
    const rs = await withCategory(ctx.db)
      .where(and(...conds))
      .orderBy(asc(products.sku))
      .limit(size);
    if (rs.length) yield rs.map(rowToProduct);
    if (rs.length < size) return;
    after = rs[rs.length - 1].p.sku;
  }
}

async function assertSkuFree(q: Queryable, tenantId: string, sku: string, exceptId?: string) {
  const [taken] = await q.select({ id: products.id }).from(products).where(and(eq(products.tenantId, tenantId), eq(products.sku, sku)));
  if (taken && taken.id !== exceptId) throw fieldError('sku', 'sku_taken', 409);
}

async function assertCategory(q: Queryable, tenantId: string, categoryId: string | null | undefined) {
  if (categoryId && !(await loadCategory(q, tenantId, categoryId))) throw fieldError('categoryId', 'not_found', 422);
}

export async function createProduct(ctx: Ctx, raw: CreateProduct): Promise<Product> {
  const input = CreateProductSchema.parse(raw);
  return ctx.tx(async (tx) => {
    await assertSkuFree(tx, ctx.tenantId, input.sku);
    await assertCategory(tx, ctx.tenantId, input.categoryId);
    const [row] = await tx
      .insert(products)
      .values({
        tenantId: ctx.tenantId,
        sku: input.sku,
        name: input.name,
        nameEn: input.nameEn ?? null,
        model: input.model ?? null,
        brand: input.brand ?? null,
        categoryId: input.categoryId ?? null,
        warrantyMonths: input.warrantyMonths ?? null,
        serialTracked: input.serialTracked,
        priceFen: input.priceFen,
        costFen: input.costFen ?? null,
        active: input.active,
      })
      .returning();
    const [after] = await productsByIds(tx, ctx.tenantId, [row.id]);
    await recordChange(tx, ctx, { action: 'created', entityType: 'product', entityId: row.id, after });
    return after;
  });
}

export async function updateProduct(ctx: Ctx, id: string, input: UpdateProduct): Promise<Product> {
  return ctx.tx(async (tx) => {
    const [locked] = await tx.select().from(products).where(and(eq(products.tenantId, ctx.tenantId), eq(products.id, id))).for('update');
    checkVersion(locked, input.version, 'product');
    const [before] = await productsByIds(tx, ctx.tenantId, [id]);
    if (input.sku !== undefined) await assertSkuFree(tx, ctx.tenantId, input.sku, id);
    if (input.categoryId !== undefined) await assertCategory(tx, ctx.tenantId, input.categoryId);
    const { version: _v, ...patch } = input;
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    await tx
      .update(products)
      .set({ ...set, version: sql`${products.version} + 1`, updatedAt: new Date() })
      .where(and(eq(products.tenantId, ctx.tenantId), eq(products.id, id)));
    const [after] = await productsByIds(tx, ctx.tenantId, [id]);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'product', entityId: id, before, after });
    return after;
  });
}
