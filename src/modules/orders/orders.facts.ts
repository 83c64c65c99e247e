import { sql } from 'drizzle-orm';
import { rows, type Queryable } from '../../platform/db/db.ts';
import { products } from '../catalog/index.ts';
import { orderItems, orders } from './orders.schema.ts';

/**
 * Small read models of orders for modules that write to customers about their purchases (care campaigns:
 * maintenance reminders, follow-up calls): the order number, the first product's names and the sale date.
 */
export interface PurchaseFacts {
  orderId: string;
  orderNumber: string;
  customerId: string;
  productName: string;
  productNameEn: string | null;
  /** the sale date (ordered_at) */
  soldAt: Date;
}

type Row = Omit<PurchaseFacts, 'soldAt'> & { soldAt: Date | string };
const withDate = (r: Row): PurchaseFacts => ({ ...r, soldAt: new Date(r.soldAt) });
const uuids = (ids: readonly string[]) => sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);

/**
 * Orders of `customerIds` sold on one of the local `dates` (YYYY-MM-DD in `timeZone`) with an item of the
 * category, not cancelled or refunded; one row per order (its first matching line).
 */
export async function purchasesInCategory(q: Queryable, tenantId: string, customerIds: readonly string[], categoryId: string, dates: readonly string[], timeZone: string): Promise<PurchaseFacts[]> {
  if (customerIds.length === 0 || dates.length === 0) return [];
  const rs = await rows<Row>(
    q,
    sql`select distinct on (o.id) o.id as "orderId", o.number as "orderNumber", o.customer_id as "customerId", p.name as "productName", p.name_en as "productNameEn", o.ordered_at as "soldAt"
          from ${orders} o
          join ${orderItems} i on i.tenant_id = o.tenant_id and i.order_id = o.id
          join ${products} p on p.tenant_id = i.tenant_id and p.id = i.product_id
         where o.tenant_id = ${tenantId} and p.category_id = ${categoryId} and o.status not in ('cancelled', 'refunded')
           and to_char(o.ordered_at at time zone ${timeZone}::text, 'YYYY-MM-DD') in (${sql.join(dates.map((d) => sql`${d}`), sql`, `)})
           and o.customer_id in (${uuids(customerIds)})
         order by o.id, i.line_no`,
  );
  return rs.map(withDate);
}

/** Number, sale date and first line's product of one order; null for unknown ids and other tenants' orders. */
export async function purchaseFacts(q: Queryable, tenantId: string, orderId: string): Promise<PurchaseFacts | null> {
  const [r] = await rows<Row>(
    q,
    sql`select o.id as "orderId", o.number as "orderNumber", o.customer_id as "customerId", coalesce(i.name, '') as "productName", p.name_en as "productNameEn", o.ordered_at as "soldAt"
          from ${orders} o
          left join ${orderItems} i on i.tenant_id = o.tenant_id and i.order_id = o.id
                and i.line_no = (select min(x.line_no) from ${orderItems} x where x.tenant_id = o.tenant_id and x.order_id = o.id)
          left join ${products} p on p.tenant_id = i.tenant_id and p.id = i.product_id
         where o.tenant_id = ${tenantId} and o.id = ${orderId}::uuid`,
  );
  return r ? withDate(r) : null;
}
