import { and, eq, sql } from 'drizzle-orm';
import { rows as query, type Tx } from '../../platform/db/db.ts';
import { productCategories, products } from '../catalog/index.ts';
import type { SheetRow } from './sheet.read.ts';
import { parseBool, parseInteger, parseMoney } from './sheet.values.ts';
import { arr, clears, emptyOutcome, keepOr, RowReader, type ChunkOutcome, type KindImporter, type RunScope } from './rows.common.ts';

interface ProductRow {
  sku: string;
  name: string;
  nameEn: string | null;
  model: string | null;
  brand: string | null;
  categoryId: string | null;
  warrantyMonths: number | null;
  serialTracked: boolean | null;
  priceFen: number;
  costFen: number | null;
}

/**
 * Optional columns and their fields. An unmapped column keeps the stored value; an empty cell keeps it too,
 * or with `blankCells: 'clear'` empties it (serial tracking, which cannot be empty, goes back to its default: off).
 */
const optional = [
  { column: 'name_en', field: 'nameEn', cleared: sql`null` },
  { column: 'model', field: 'model', cleared: sql`null` },
  { column: 'brand', field: 'brand', cleared: sql`null` },
  { column: 'category_id', field: 'category', cleared: sql`null` },
  { column: 'warranty_months', field: 'warrantyMonths', cleared: sql`null` },
  { column: 'serial_tracked', field: 'serialTracked', cleared: sql`false` },
  { column: 'cost_fen', field: 'cost', cleared: sql`null` },
] as const;

/** Products: upsert by SKU, two statements per chunk; the update's WHERE leaves equal rows untouched. */
export function productsImporter(scope: RunScope): KindImporter<SheetRow[]> {
  const { tenantId } = scope;
  const seen = new Map<string, number>();
  const categoryByCode = new Map<string, string | null>();

  async function categoryId(tx: Tx, code: string): Promise<string | null> {
    if (!categoryByCode.has(code)) {
      const [c] = await tx.select({ id: productCategories.id }).from(productCategories).where(and(eq(productCategories.tenantId, tenantId), eq(productCategories.code, code)));
      categoryByCode.set(code, c?.id ?? null);
    }
    return categoryByCode.get(code) ?? null;
  }

  return {
    // the category check reads the database: everything happens in write
    prepare: (sheetRows) => sheetRows,
    async write(tx: Tx, sheetRows: SheetRow[]): Promise<ChunkOutcome> {
      const out = emptyOutcome();
      const valid: ProductRow[] = [];
      for (const sr of sheetRows) {
        const r = new RowReader(scope.mapping, sr);
        const sku = r.str('sku', 100, true);
        const name = r.str('name', 200, true);
        const nameEn = r.str('nameEn', 200) ?? null;
        const model = r.str('model', 100) ?? null;
        const brand = r.str('brand', 100) ?? null;
        const code = r.str('category', 100);
        const warrantyMonths = r.parse('warrantyMonths', (c) => parseInteger(c, 0, 240)) ?? null;
        const serialTracked = r.parse('serialTracked', parseBool) ?? null;
        const priceFen = r.parse('price', parseMoney, true);
        const costFen = r.parse('cost', parseMoney) ?? null;
        let catId: string | null = null;
        if (code) {
          catId = await categoryId(tx, code);
          if (!catId) r.fail('category', 'unknown_category', { code });
        }
        if (sku && seen.has(sku)) r.fail('sku', 'duplicate_in_file', { row: seen.get(sku)! });
        if (!r.ok || !sku || !name || priceFen === undefined) {
          out.failed++;
          out.errors.push(...r.issues);
          continue;
        }
        seen.set(sku, sr.row);
        valid.push({ sku, name, nameEn, model, brand, categoryId: catId, warrantyMonths, serialTracked, priceFen, costFen });
      }
      if (valid.length === 0) return out;
      const u = {
        sku: arr(valid.map((v) => v.sku), 'text'), name: arr(valid.map((v) => v.name), 'text'), nameEn: arr(valid.map((v) => v.nameEn), 'text'), model: arr(valid.map((v) => v.model), 'text'),
        brand: arr(valid.map((v) => v.brand), 'text'), categoryId: arr(valid.map((v) => v.categoryId), 'uuid'), warrantyMonths: arr(valid.map((v) => v.warrantyMonths), 'int'),
        serialTracked: arr(valid.map((v) => v.serialTracked), 'boolean'), priceFen: arr(valid.map((v) => v.priceFen), 'bigint'), costFen: arr(valid.map((v) => v.costFen), 'bigint'),
      };
      const source = sql`unnest(${u.sku}, ${u.name}, ${u.nameEn}, ${u.model}, ${u.brand}, ${u.categoryId}, ${u.warrantyMonths}, ${u.serialTracked}, ${u.priceFen}, ${u.costFen})
        as u(sku, name, name_en, model, brand, category_id, warranty_months, serial_tracked, price_fen, cost_fen)`;
      const next = optional.map((o) => keepOr(clears(scope, o.field), sql.raw(`u.${o.column}`), sql.raw(`p.${o.column}`), o.cleared));
      const updated = await query<{ sku: string }>(
        tx,
        sql`update ${products} p set name = u.name, price_fen = u.price_fen, ${sql.join(optional.map((o, n) => sql`${sql.raw(o.column)} = ${next[n]}`), sql`, `)}, version = p.version + 1, updated_at = now()
            from ${source}
            where p.tenant_id = ${tenantId} and p.sku = u.sku
              and (p.name, p.price_fen, ${sql.join(optional.map((o) => sql.raw(`p.${o.column}`)), sql`, `)}) is distinct from (u.name, u.price_fen, ${sql.join(next, sql`, `)})
            returning p.sku`,
      );
      // a concurrent import of the same SKU may insert it first: then this row is one more unchanged
      const inserted = await query<{ sku: string }>(
        tx,
        sql`insert into ${products} (tenant_id, sku, name, name_en, model, brand, category_id, warranty_months, serial_tracked, price_fen, cost_fen)
            select ${tenantId}, u.sku, u.name, u.name_en, u.model, u.brand, u.category_id, u.warranty_months, coalesce(u.serial_tracked, false), u.price_fen, u.cost_fen
            from ${source}
            where not exists (select 1 from ${products} p where p.tenant_id = ${tenantId} and p.sku = u.sku)
            on conflict (tenant_id, sku) do nothing
            returning sku`,
      );
      out.updated += updated.length;
      out.inserted += inserted.length;
      out.unchanged += valid.length - updated.length - inserted.length;
      return out;
    },
  };
}
