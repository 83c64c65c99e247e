import { randomUUID } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { rows as query, type Tx } from '../../platform/db/db.ts';
import { productCategories, products } from '../catalog/index.ts';
import type { SheetRow } from './sheet.read.ts';
import { parseBool, parseInteger, parseMoney } from './sheet.values.ts';
import { arr, emptyOutcome, RowReader, type ChunkOutcome, type KindImporter, type RunScope } from './rows.common.ts';

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

/** Optional columns: an unmapped or empty cell keeps the stored value (coalesce), a value replaces it. */
const optional = ['name_en', 'model', 'brand', 'category_id', 'warranty_months', 'serial_tracked', 'cost_fen'] as const;

/** Products: upsert by SKU in one INSERT … ON CONFLICT per chunk; the WHERE leaves equal rows untouched. */
export function productsImporter(scope: RunScope): KindImporter {
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
    async chunk(tx: Tx, sheetRows: SheetRow[]): Promise<ChunkOutcome> {
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
      const col = (c: string) => sql.raw(`coalesce(excluded.${c}, p.${c})`);
      const set: SQL[] = [sql`name = excluded.name`, sql`price_fen = excluded.price_fen`, ...optional.map((c) => sql`${sql.raw(c)} = ${col(c)}`)];
      const now = sql.join([sql`p.name`, sql`p.price_fen`, ...optional.map((c) => sql.raw(`p.${c}`))], sql`, `);
      const next = sql.join([sql`excluded.name`, sql`excluded.price_fen`, ...optional.map(col)], sql`, `);
      const written = await query<{ inserted: boolean }>(
        tx,
        sql`insert into ${products} as p (tenant_id, id, sku, name, name_en, model, brand, category_id, warranty_months, serial_tracked, price_fen, cost_fen)
            select ${tenantId}, u.id, u.sku, u.name, u.name_en, u.model, u.brand, u.category_id, u.warranty_months, coalesce(u.serial_tracked, false), u.price_fen, u.cost_fen
            from unnest(${arr(valid.map(() => randomUUID()), 'uuid')}, ${arr(valid.map((v) => v.sku), 'text')}, ${arr(valid.map((v) => v.name), 'text')}, ${arr(valid.map((v) => v.nameEn), 'text')},
              ${arr(valid.map((v) => v.model), 'text')}, ${arr(valid.map((v) => v.brand), 'text')}, ${arr(valid.map((v) => v.categoryId), 'uuid')}, ${arr(valid.map((v) => v.warrantyMonths), 'int')},
              ${arr(valid.map((v) => v.serialTracked), 'boolean')}, ${arr(valid.map((v) => v.priceFen), 'bigint')}, ${arr(valid.map((v) => v.costFen), 'bigint')})
              as u(id, sku, name, name_en, model, brand, category_id, warranty_months, serial_tracked, price_fen, cost_fen)
            on conflict (tenant_id, sku) do update set ${sql.join(set, sql`, `)}, version = p.version + 1, updated_at = now()
              where (${now}) is distinct from (${next})
            returning (xmax = 0) as inserted`,
      );
      for (const w of written) {
        if (w.inserted) out.inserted++;
        else out.updated++;
      }
      out.unchanged += valid.length - written.length;
      return out;
    },
  };
}
