import { sql } from 'drizzle-orm';
import type { DateTime } from 'luxon';
import { rows as query, type Queryable, type Tx } from '../../platform/db/db.ts';
import { emitEvents } from '../../platform/outbox/outbox.ts';
import { counters } from '../../platform/tenancy/tenancy.schema.ts';
import { customerIdentities, customers, normalisePhone } from '../customers/index.ts';
import { products } from '../catalog/index.ts';
import { orderItems, orders } from '../orders/index.ts';
import type { SheetRow } from './sheet.read.ts';
import { parseChannel, parseDateTime, parseInteger, parseMoney } from './sheet.values.ts';
import { arr, clears, emptyOutcome, externalKey, keepOr, RowKeys, RowReader, timeOrderedUuid, type ChunkOutcome, type KindImporter, type RunScope, type RowIssue } from './rows.common.ts';

/** Imported orders sold within this many days emit `order.created` (follow-up visits, webhooks). */
export const RECENT_ORDER_DAYS = 30;

interface Line {
  row: number;
  sku: string;
  quantity: number;
  unitPriceFen?: number;
  discountFen: number;
}
interface OrderGroup {
  externalId: string;
  rows: number[];
  customerKey: { kind: 'external' | 'phone'; value: string; field: string };
  orderedAt: DateTime;
  channel: string;
  store: string | null;
  deliveredAt: DateTime | null;
  lines: Line[];
  issues: RowIssue[];
}
interface Product {
  id: string;
  sku: string;
  name: string;
  price_fen: number;
  cost_fen: number | null;
}

/**
 * Reserves n order numbers with one counter update (the orders module's O-YYYY-NNNNNN sequence); returns the
 * first. On `scope.outside` the counter's row lock ends at once, so the next chunk need not wait for this one
 * to commit; numbers of a chunk that then fails are skipped, never given twice.
 */
async function reserveOrderNumbers(q: Queryable, tenantId: string, n: number): Promise<number> {
  const [r] = await q
    .insert(counters)
    .values({ tenantId, name: 'order', value: n })
    .onConflictDoUpdate({ target: [counters.tenantId, counters.name], set: { value: sql`${counters.value} + ${n}` } })
    .returning({ value: counters.value });
  return Number(r.value) - n + 1;
}

/**
 * Orders, one row per order line; the rows of one order follow each other and share the order id. An order
 * with any bad line is refused whole (its other rows are reported too), so no order is imported half.
 * Upsert by the order's external id: a known order keeps its lines, and its header (channel, store,
 * delivery date) is updated only when different (an empty store or delivery date keeps the stored one unless
 * the run clears). Each new order emits `order.created` like an order entered in the UI, with `soldAt` and
 * `imported: true` so that subscribers can tell past sales from new ones.
 */
export function ordersImporter(scope: RunScope): KindImporter<OrderGroup[]> {
  const { tenantId, timeZone } = scope;
  const done = new RowKeys();
  const productCache = new Map<string, Product | null>();

  function readGroups(sheetRows: SheetRow[]): OrderGroup[] {
    const groups: OrderGroup[] = [];
    let g: OrderGroup | null = null;
    for (const sr of sheetRows) {
      const r = new RowReader(scope.mapping, sr);
      const orderId = r.str('orderId', 200, true) ?? `#${sr.row}`;
      if (!g || g.externalId !== orderId) {
        const custExt = r.get('customerId');
        const phoneRaw = r.get('customerPhone');
        const phone = phoneRaw ? normalisePhone(phoneRaw) : null;
        if (phoneRaw && !phone) r.fail('customerPhone', 'bad_phone');
        if (!custExt && !phoneRaw) r.fail(r.mapped('customerId') ? 'customerId' : 'customerPhone', 'required');
        const orderedAt = r.parse('orderedAt', (c) => parseDateTime(c, timeZone), true);
        const deliveredAt = r.parse('deliveredAt', (c) => parseDateTime(c, timeZone)) ?? null;
        if (orderedAt && deliveredAt && deliveredAt < orderedAt) r.fail('deliveredAt', 'delivery_before_sale');
        const channel = r.parse('channel', parseChannel, true);
        const store = r.str('store', 200) ?? null;
        if (done.has(orderId)) r.fail('orderId', 'order_rows_apart');
        g = {
          externalId: orderId,
          rows: [],
          customerKey: custExt ? { kind: 'external', value: externalKey(custExt) ?? custExt, field: 'customerId' } : { kind: 'phone', value: phone ?? '', field: 'customerPhone' },
          orderedAt: orderedAt!,
          channel: channel ?? 'online',
          store,
          deliveredAt,
          lines: [],
          issues: [],
        };
        groups.push(g);
        done.set(orderId, sr.row);
      }
      const sku = r.str('sku', 100, true);
      const quantity = r.parse('quantity', (c) => parseInteger(c, 1, 100_000), true);
      const unitPriceFen = r.parse('unitPrice', parseMoney);
      const discountFen = r.parse('discount', parseMoney) ?? 0;
      g.rows.push(sr.row);
      g.issues.push(...r.issues);
      if (sku && quantity !== undefined) g.lines.push({ row: sr.row, sku, quantity, unitPriceFen, discountFen });
    }
    return groups;
  }

  async function loadProducts(tx: Tx, skus: string[]): Promise<void> {
    const missing = [...new Set(skus)].filter((s) => !productCache.has(s));
    if (missing.length === 0) return;
    const rs = await query<Product>(tx, sql`select id, sku, name, price_fen::float8 as price_fen, cost_fen::float8 as cost_fen from ${products} where tenant_id = ${tenantId} and sku = any(${arr(missing, 'text')})`);
    for (const s of missing) productCache.set(s, null);
    for (const p of rs) productCache.set(p.sku, p);
  }

  return {
    groupKey: (row) => {
      const i = scope.mapping.orderId;
      return i === undefined || i === null ? String(row.row) : String(row.cells[i] ?? '').trim();
    },

    prepare: readGroups,

    async write(tx: Tx, groups: OrderGroup[]): Promise<ChunkOutcome> {
      const out = emptyOutcome();
      await loadProducts(tx, groups.flatMap((g) => g.lines.map((l) => l.sku)));
      const keys = groups.filter((g) => g.customerKey.value).map((g) => g.customerKey);
      // one primary-key probe per key: as a join, the planner may hash the tenant's whole identities table for each chunk
      const owners = await query<{ kind: string; value: string; customer_id: string | null }>(
        tx,
        sql`select u.kind, u.value, (select coalesce(c.merged_into_id, ci.customer_id) from ${customerIdentities} ci
              join ${customers} c on c.tenant_id = ci.tenant_id and c.id = ci.customer_id
              where ci.tenant_id = ${tenantId} and ci.kind = u.kind and ci.value = u.value) as customer_id
            from unnest(${arr(keys.map((k) => k.kind), 'text')}, ${arr(keys.map((k) => k.value), 'text')}) as u(kind, value)`,
      );
      const owner = new Map(owners.flatMap((o) => (o.customer_id ? [[`${o.kind}:${o.value}`, o.customer_id] as const] : [])));
      const existing = new Map(
        (await query<{ id: string; external_id: string }>(tx, sql`select id, external_id from ${orders} where tenant_id = ${tenantId} and external_id = any(${arr(groups.map((g) => g.externalId), 'text')})`)).map((o) => [o.external_id, o.id]),
      );

      const ok: (OrderGroup & { customerId: string })[] = [];
      for (const g of groups) {
        const customerId = owner.get(`${g.customerKey.kind}:${g.customerKey.value}`);
        if (!customerId && g.customerKey.value) g.issues.push({ row: g.rows[0], col: scope.mapping[g.customerKey.field] ?? null, field: g.customerKey.field, code: 'unknown_customer' });
        for (const l of g.lines) {
          const p = productCache.get(l.sku);
          if (!p) g.issues.push({ row: l.row, col: scope.mapping.sku ?? null, field: 'sku', code: 'unknown_product', params: { sku: l.sku } });
          else if (l.discountFen > l.quantity * (l.unitPriceFen ?? p.price_fen)) g.issues.push({ row: l.row, col: scope.mapping.discount ?? null, field: 'discount', code: 'discount_exceeds_total' });
        }
        if (g.issues.length || !customerId) {
          const bad = new Set(g.issues.map((i) => i.row));
          for (const row of g.rows) if (!bad.has(row)) g.issues.push({ row, col: null, field: null, code: 'order_has_errors', params: { order: g.externalId.slice(0, 60) } });
          out.failed += g.rows.length;
          out.errors.push(...g.issues);
        } else ok.push({ ...g, customerId });
      }

      const known = ok.filter((g) => existing.has(g.externalId));
      const fresh = ok.filter((g) => !existing.has(g.externalId));
      if (known.length) {
        const store = keepOr(clears(scope, 'store'), sql`u.store`, sql`o.store`);
        const deliveredAt = keepOr(clears(scope, 'deliveredAt'), sql`u.delivered_at`, sql`o.delivered_at`);
        const upd = await query<{ external_id: string }>(
          tx,
          sql`update ${orders} o set channel = u.channel, store = ${store}, delivered_at = ${deliveredAt}, version = o.version + 1, updated_at = now()
              from unnest(${arr(known.map((g) => g.externalId), 'text')}, ${arr(known.map((g) => g.channel), 'text')}, ${arr(known.map((g) => g.store), 'text')},
                ${arr(known.map((g) => g.deliveredAt?.toUTC().toISO() ?? null), 'timestamptz')}) as u(external_id, channel, store, delivered_at)
              where o.tenant_id = ${tenantId} and o.external_id = u.external_id
                and (o.channel, o.store, o.delivered_at) is distinct from (u.channel, ${store}, ${deliveredAt})
              returning o.external_id`,
        );
        const changed = new Set(upd.map((u) => u.external_id));
        for (const g of known) {
          if (changed.has(g.externalId)) out.updated += g.rows.length;
          else out.unchanged += g.rows.length;
        }
      }
      if (fresh.length) {
        const first = await reserveOrderNumbers(scope.outside ?? tx, tenantId, fresh.length);
        const o = { id: [] as string[], number: [] as string[], ext: [] as string[], cust: [] as string[], channel: [] as string[], store: [] as (string | null)[], sub: [] as number[], disc: [] as number[], total: [] as number[], cost: [] as (number | null)[], at: [] as string[], del: [] as (string | null)[] };
        const i = { order: [] as string[], no: [] as number[], pid: [] as string[], sku: [] as string[], name: [] as string[], qty: [] as number[], unit: [] as number[], disc: [] as number[], total: [] as number[], cost: [] as (number | null)[] };
        fresh.forEach((g, n) => {
          const id = timeOrderedUuid();
          let sub = 0;
          let disc = 0;
          let cost: number | null = 0;
          g.lines.forEach((l, k) => {
            const p = productCache.get(l.sku)!;
            const unit = l.unitPriceFen ?? p.price_fen;
            sub += l.quantity * unit;
            disc += l.discountFen;
            cost = cost === null || p.cost_fen === null ? null : cost + l.quantity * p.cost_fen;
            i.order.push(id); i.no.push(k + 1); i.pid.push(p.id); i.sku.push(p.sku); i.name.push(p.name); i.qty.push(l.quantity); i.unit.push(unit); i.disc.push(l.discountFen);
            i.total.push(l.quantity * unit - l.discountFen); i.cost.push(p.cost_fen);
          });
          o.id.push(id); o.number.push(`O-${g.orderedAt.year}-${String(first + n).padStart(6, '0')}`); o.ext.push(g.externalId); o.cust.push(g.customerId); o.channel.push(g.channel);
          o.store.push(g.store); o.sub.push(sub); o.disc.push(disc); o.total.push(sub - disc); o.cost.push(cost); o.at.push(g.orderedAt.toUTC().toISO()!); o.del.push(g.deliveredAt?.toUTC().toISO() ?? null);
        });
        const inserted = await query<{ id: string }>(
          tx,
          sql`insert into ${orders} (tenant_id, id, number, external_id, customer_id, channel, store, subtotal_fen, discount_fen, total_fen, cost_fen, ordered_at, delivered_at, source)
              select ${tenantId}, u.id, u.number, u.ext, u.cust, u.channel, u.store, u.sub, u.disc, u.total, u.cost, u.at, u.del, 'import'
              from unnest(${arr(o.id, 'uuid')}, ${arr(o.number, 'text')}, ${arr(o.ext, 'text')}, ${arr(o.cust, 'uuid')}, ${arr(o.channel, 'text')}, ${arr(o.store, 'text')}, ${arr(o.sub, 'bigint')},
                ${arr(o.disc, 'bigint')}, ${arr(o.total, 'bigint')}, ${arr(o.cost, 'bigint')}, ${arr(o.at, 'timestamptz')}, ${arr(o.del, 'timestamptz')})
                as u(id, number, ext, cust, channel, store, sub, disc, total, cost, at, del)
              on conflict (tenant_id, external_id) where external_id is not null do nothing
              returning id`,
        );
        const kept = new Set(inserted.map((r) => r.id));
        const keep = (n: number) => kept.has(i.order[n]);
        const pick = <T>(a: T[]) => a.filter((_, n) => keep(n));
        await tx.execute(sql`insert into ${orderItems} (tenant_id, order_id, line_no, product_id, sku, name, quantity, unit_price_fen, discount_fen, total_fen, unit_cost_fen)
          select ${tenantId}, u.* from unnest(${arr(pick(i.order), 'uuid')}, ${arr(pick(i.no), 'int')}, ${arr(pick(i.pid), 'uuid')}, ${arr(pick(i.sku), 'text')}, ${arr(pick(i.name), 'text')},
            ${arr(pick(i.qty), 'int')}, ${arr(pick(i.unit), 'bigint')}, ${arr(pick(i.disc), 'bigint')}, ${arr(pick(i.total), 'bigint')}, ${arr(pick(i.cost), 'bigint')}) as u`);
        // the orders module's own payload (orders.service createOrderInTx) plus when it was sold and where it came
        // from. Only recent sales get one: older rows are history (a migration from another system), which the
        // import's own set-based aggregate and tier refresh covers; an event each would queue a subscriber job
        // per order and webhook delivery for years of orders nobody acts on any more.
        const recentSince = Date.now() - RECENT_ORDER_DAYS * 86_400_000;
        await emitEvents(
          tx,
          { tenantId },
          o.id.flatMap((id, n) =>
            kept.has(id) && new Date(o.at[n]).getTime() >= recentSince ? [{ type: 'order.created', entityType: 'order', entityId: id, payload: { orderId: id, customerId: o.cust[n], number: o.number[n], totalFen: o.total[n], soldAt: o.at[n], imported: true } }] : [],
          ),
        );
        fresh.forEach((g, n) => {
          if (kept.has(o.id[n])) {
            out.inserted += g.rows.length;
            out.customerIds.push(g.customerId);
          } else out.unchanged += g.rows.length; // a concurrent import of the same order won
        });
      }
      return out;
    },
  };
}
