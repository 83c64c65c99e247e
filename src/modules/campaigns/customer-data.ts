import { sql } from 'drizzle-orm';
import { rows, type Queryable } from '../../platform/db/db.ts';
import type { MessageChannel } from './campaigns.contract.ts';

/**
 * Everything campaigns read from the customers, catalogue and orders tables, in one place. The customers
 * module does not (yet) export consent functions, so consent is read and written here in SQL against its
 * `customer_consents` table; the rule itself is the customers module's: no row = no marketing consent.
 */
export interface CustomerFacts {
  id: string;
  name: string;
  language: string;
  tier: string;
  tierNameZh: string | null;
  tierNameEn: string | null;
  email: string | null;
  phone: string | null;
  ownerId: string | null;
  dedicatedAgentId: string | null;
}

export async function customerFacts(q: Queryable, tenantId: string, ids: string[]): Promise<Map<string, CustomerFacts>> {
  if (ids.length === 0) return new Map();
  const rs = await rows<{ id: string; name: string; language: string; tier: string; name_zh: string | null; name_en: string | null; email: string | null; phone: string | null; owner_id: string | null; dedicated_agent_id: string | null }>(
    q,
    sql`select c.id, c.name, c.language, c.tier, td.name_zh, td.name_en, c.owner_id, c.dedicated_agent_id,
               (select min(i.value) from customer_identities i where i.tenant_id = c.tenant_id and i.customer_id = c.id and i.kind = 'email') as email,
               (select min(i.value) from customer_identities i where i.tenant_id = c.tenant_id and i.customer_id = c.id and i.kind = 'phone') as phone
          from customers c
          left join tier_definitions td on td.tenant_id = c.tenant_id and td.code = c.tier
         where c.tenant_id = ${tenantId} and c.id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`,
  );
  return new Map(
    rs.map((r) => [
      r.id,
      { id: r.id, name: r.name, language: r.language, tier: r.tier, tierNameZh: r.name_zh, tierNameEn: r.name_en, email: r.email, phone: r.phone, ownerId: r.owner_id, dedicatedAgentId: r.dedicated_agent_id },
    ]),
  );
}

/** Built-in tier names for tenants that kept the default codes without definitions. */
const defaultTierNames: Record<string, [string, string]> = { regular: ['普通会员', 'Regular'], vip: ['贵宾', 'VIP'], senior_vip: ['高级贵宾', 'Senior VIP'] };
export function tierName(c: CustomerFacts, locale: string): string {
  const [zh, en] = defaultTierNames[c.tier] ?? [c.tier, c.tier];
  return locale === 'en' ? (c.tierNameEn ?? en) : (c.tierNameZh ?? zh);
}

/** Marketing consent for a channel: only an explicit granted row counts. */
export async function hasConsent(q: Queryable, tenantId: string, customerId: string, channel: MessageChannel): Promise<boolean> {
  const [r] = await rows<{ granted: boolean }>(q, sql`select granted from customer_consents where tenant_id = ${tenantId} and customer_id = ${customerId} and channel = ${channel}`);
  return r?.granted === true;
}

/** Records a withdrawal (the unsubscribe link); returns whether the consent changed. */
export async function withdrawConsent(q: Queryable, tenantId: string, customerId: string, channel: MessageChannel, source: string): Promise<boolean> {
  const rs = await rows<{ customer_id: string }>(
    q,
    sql`insert into customer_consents (tenant_id, customer_id, channel, granted, source, changed_at)
        values (${tenantId}, ${customerId}, ${channel}, false, ${source}, now())
        on conflict (tenant_id, customer_id, channel) do update set granted = false, source = excluded.source, changed_at = now()
        where customer_consents.granted is distinct from false
        returning customer_id`,
  );
  return rs.length > 0;
}

/** Keyset page of live (not merged) customers of the tenant, for campaigns without a segment. */
export async function allCustomerIds(q: Queryable, tenantId: string, afterId: string | null, limit: number): Promise<string[]> {
  const rs = await rows<{ id: string }>(
    q,
    sql`select id from customers where tenant_id = ${tenantId} and merged_into_id is null ${afterId ? sql`and id > ${afterId}::uuid` : sql``} order by id limit ${limit}`,
  );
  return rs.map((r) => r.id);
}

export async function countAllCustomers(q: Queryable, tenantId: string): Promise<number> {
  const [r] = await rows<{ n: number | string }>(q, sql`select count(*) as n from customers where tenant_id = ${tenantId} and merged_into_id is null`);
  return Number(r.n);
}

/** Of `ids`, those whose birthday month-day is one of `monthDays` ('MM-DD'). */
export async function withBirthday(q: Queryable, tenantId: string, ids: string[], monthDays: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rs = await rows<{ id: string }>(
    q,
    sql`select id from customers where tenant_id = ${tenantId} and merged_into_id is null and birthday is not null
          and to_char(birthday, 'MM-DD') in (${sql.join(monthDays.map((d) => sql`${d}`), sql`, `)})
          and id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`,
  );
  return rs.map((r) => r.id);
}

export interface PurchaseFacts {
  orderId: string;
  orderNumber: string;
  customerId: string;
  productName: string;
  productNameEn: string | null;
}

/** Orders of `ids` placed on one of the local `dates` (tenant zone) with an item of the category, not cancelled. */
export async function purchasesInCategory(q: Queryable, tenantId: string, ids: string[], categoryId: string, dates: string[], timeZone: string): Promise<PurchaseFacts[]> {
  if (ids.length === 0) return [];
  return rows<PurchaseFacts>(
    q,
    sql`select distinct on (o.id) o.id as "orderId", o.number as "orderNumber", o.customer_id as "customerId", p.name as "productName", p.name_en as "productNameEn"
          from orders o
          join order_items i on i.tenant_id = o.tenant_id and i.order_id = o.id
          join products p on p.tenant_id = i.tenant_id and p.id = i.product_id
         where o.tenant_id = ${tenantId} and p.category_id = ${categoryId} and o.status not in ('cancelled', 'refunded')
           and to_char(o.ordered_at at time zone ${timeZone}::text, 'YYYY-MM-DD') in (${sql.join(dates.map((d) => sql`${d}`), sql`, `)})
           and o.customer_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})
         order by o.id, i.line_no`,
  );
}

/** Number and first product of one order (follow-up scripts). */
export async function orderFacts(q: Queryable, tenantId: string, orderId: string): Promise<PurchaseFacts | null> {
  const [r] = await rows<PurchaseFacts>(
    q,
    sql`select o.id as "orderId", o.number as "orderNumber", o.customer_id as "customerId", coalesce(i.name, '') as "productName", p.name_en as "productNameEn"
          from orders o
          left join order_items i on i.tenant_id = o.tenant_id and i.order_id = o.id and i.line_no = (select min(line_no) from order_items x where x.tenant_id = o.tenant_id and x.order_id = o.id)
          left join products p on p.tenant_id = i.tenant_id and p.id = i.product_id
         where o.tenant_id = ${tenantId} and o.id = ${orderId}`,
  );
  return r ?? null;
}
