import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/db.ts';
import type { FieldError } from '../../platform/http/errors.ts';

/** Serial numbers wanted on one line, and where to report a clash. */
export interface WantedSerials {
  path: string;
  productId: string;
  serialNumbers: readonly string[];
}

const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;

/**
 * A serial number identifies one physical unit, so it may sit on one active sale of a product at a time
 * (per tenant). "Active": the order is neither cancelled nor refunded and the line still has units not
 * refunded — a unit that came back may be sold again. A partly refunded line keeps all its serials, since
 * nothing records which unit came back. Lines in `replacing` (order id + line no, being rewritten by the
 * caller) do not count. Concurrent sales of the same serial are serialised by a transaction-scoped advisory
 * lock per (tenant, product, serial), taken in sorted order so two orders cannot deadlock.
 * Returns one field error per clash: `errors.serial_sold` with the serial and the order number holding it.
 */
export async function serialClashes(tx: Tx, tenantId: string, wanted: readonly WantedSerials[], replacing: readonly { orderId: string; lineNo: number }[] = []): Promise<FieldError[]> {
  const all = wanted.filter((w) => w.serialNumbers.length > 0);
  if (all.length === 0) return [];
  const keys = [...new Set(all.flatMap((w) => w.serialNumbers.map((s) => `serial:${tenantId}:${w.productId}:${s}`)))].sort();
  await tx.execute(sql`select x.k, pg_advisory_xact_lock(hashtext(x.k)) from (select k from unnest(${textArray(keys)}) as u(k) order by k) x`);
  const serials = [...new Set(all.flatMap((w) => w.serialNumbers))];
  const skip = replacing.length ? sql`and (i.order_id, i.line_no) not in (${sql.join(replacing.map((r) => sql`(${r.orderId}::uuid, ${r.lineNo}::int)`), sql`, `)})` : sql``;
  // `serial_numbers && …` is served by order_items_serials_idx (GIN on the serials; tenant_id filters the few hits)
  const taken = await rows<{ product_id: string; serial: string; number: string }>(
    tx,
    sql`select i.product_id, s.serial, o.number
          from order_items i
          join orders o on o.tenant_id = i.tenant_id and o.id = i.order_id
          cross join lateral unnest(i.serial_numbers) as s(serial)
         where i.tenant_id = ${tenantId} and i.serial_numbers && ${textArray(serials)}
           and s.serial = any(${textArray(serials)})
           and o.status not in ('cancelled', 'refunded') and i.refunded_quantity < i.quantity
           ${skip}
         order by o.number`,
  );
  const holder = new Map(taken.map((r) => [`${r.product_id}\n${r.serial}`, r.number]));
  const errors: FieldError[] = [];
  for (const w of all) {
    for (const s of w.serialNumbers) {
      const number = holder.get(`${w.productId}\n${s}`);
      if (number) errors.push({ path: w.path, code: 'errors.serial_sold', params: { serial: s, number } });
    }
  }
  return errors;
}
