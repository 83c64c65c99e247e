import { sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { rows, type Queryable } from '../../platform/db/db.ts';
import { orders } from '../orders/index.ts';
import { customers, customerTierHistory } from './customers.schema.ts';
import { customerTierOverrides } from './tiers.schema.ts';
import { ranked, type TierRule } from './tiers.rfm.ts';
import { engagementQueries } from './tiers.engagement.ts';
import type { EngagementSource, RecomputeResult, TierPreview } from './tiers.contract.ts';

/**
 * The set-based side of RFM tiering (the rule itself is documented in tiers.rfm.ts). Orders are
 * aggregated once per statement, grouped by customer; the tier decision is a CASE built from the
 * definitions, so a tenant of a million customers is one statement, not a loop.
 */

export interface RfmSettings {
  windowMonths: number;
  engagementSources: readonly EngagementSource[];
}

export interface Scope {
  tenantId: string;
  now: Date;
  timeZone: string;
  /** only these customers; all the tenant's customers when omitted */
  customerIds?: readonly string[];
}

/** Start of the window: the same wall-clock moment `windowMonths` calendar months ago in the tenant's zone. */
export function windowStart(now: Date, months: number, timeZone: string): Date {
  return DateTime.fromJSDate(now, { zone: timeZone }).minus({ months }).toJSDate();
}

const list = (ids: readonly string[]) => sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);

/** The CASE expression deciding a tier from the figures columns of `fig`. */
function decideSql(rules: readonly TierRule[]): SQL {
  const order = ranked(rules);
  const floor = order[order.length - 1];
  const whens = order.slice(0, -1).map((r) => {
    const conds: SQL[] = [];
    if (r.maxRecencyDays !== null) conds.push(sql`(fig.recency_days is not null and fig.recency_days <= ${r.maxRecencyDays})`);
    if (r.minFrequency !== null) conds.push(sql`fig.freq >= ${r.minFrequency}`);
    if (r.minMonetaryFen !== null) conds.push(sql`fig.monetary >= ${r.minMonetaryFen}`);
    if (r.minEngagement !== null) conds.push(sql`fig.eng >= ${r.minEngagement}`);
    return sql`when ${conds.length ? sql.join(conds, sql` and `) : sql`true`} then ${r.code}::text`;
  });
  return whens.length ? sql`(case ${sql.join(whens, sql` `)} else ${floor.code}::text end)` : sql`${floor.code}::text`;
}

/** Rank of a code under the given rules; -1 for codes they do not define. */
function rankSql(rules: readonly TierRule[], column: SQL): SQL {
  if (!rules.length) return sql`-1`;
  return sql`(case ${column} ${sql.join(rules.map((r) => sql`when ${r.code}::text then ${r.rank}::int`), sql` `)} else -1 end)`;
}

/**
 * `fig`: one row per customer in scope (not merged away, no manual tier in force) with its figures:
 * recency_days, freq, monetary, eng, and the current tier.
 */
function figuresCte(scope: Scope, settings: RfmSettings, rules: readonly TierRule[], overridden: 'exclude' | 'flag'): SQL {
  const since = windowStart(scope.now, settings.windowMonths, scope.timeZone);
  const t = scope.tenantId;
  const onlyOrders = scope.customerIds ? sql`and ${orders.customerId} in (${list(scope.customerIds)})` : sql``;
  const onlyCustomers = scope.customerIds ? sql`and c.id in (${list(scope.customerIds)})` : sql``;
  const needEngagement = rules.some((r) => r.active !== false && r.minEngagement !== null) && settings.engagementSources.length > 0;
  const parts = needEngagement ? engagementQueries(settings.engagementSources, { tenantId: t, since, customerIds: scope.customerIds }) : [];
  const eng = parts.length ? sql`select customer_id, count(*)::int as n from (${sql.join(parts, sql` union all `)}) x group by customer_id` : sql`select null::uuid as customer_id, 0 as n where false`;
  return sql`
    agg as (
      select ${orders.customerId} as customer_id,
             max(${orders.orderedAt}) filter (where ${orders.status} not in ('cancelled', 'refunded')) as last_at,
             (count(*) filter (where ${orders.orderedAt} >= ${since} and ${orders.status} not in ('cancelled', 'refunded')))::int as freq,
             coalesce(sum(${orders.totalFen} - ${orders.refundedFen}) filter (where ${orders.orderedAt} >= ${since}), 0)::bigint as monetary
        from ${orders}
       where ${orders.tenantId} = ${t} ${onlyOrders}
       group by ${orders.customerId}
    ),
    eng as (${eng}),
    fig as (
      select c.id, c.tier as old_tier,
             floor(extract(epoch from (${scope.now}::timestamptz - a.last_at)) / 86400)::int as recency_days,
             coalesce(a.freq, 0) as freq, coalesce(a.monetary, 0)::bigint as monetary, coalesce(e.n, 0) as eng
             ${overridden === 'flag' ? sql`, ov.customer_id is not null as overridden` : sql``}
        from ${customers} c
        left join agg a on a.customer_id = c.id
        left join eng e on e.customer_id = c.id
        -- a manual tier in force (at most one row per customer: the primary key); a hash join, not a probe per row
        left join ${customerTierOverrides} ov on ov.tenant_id = ${t} and ov.customer_id = c.id and (ov.until is null or ov.until >= ${scope.now})
       where c.tenant_id = ${t} and c.merged_into_id is null ${onlyCustomers}
             ${overridden === 'exclude' ? sql`and ov.customer_id is null` : sql``}
    )`;
}

export interface ChangedRow {
  id: string;
  old_tier: string;
  new_tier: string;
  recency_days: number | null;
  freq: number;
  monetary: number | string;
  eng: number;
}

/**
 * Recomputes the tiers in scope in ONE statement: aggregate, decide, update only the rows whose tier
 * changes (and only if nobody changed it meanwhile: `c.tier = d.old_tier`), and write a history row per
 * change with the figures behind it. Returns the summary, plus the changed rows when the scope is a list
 * of customers (callers emit one event per change then; a whole-tenant run emits one summary event).
 */
export async function recomputeSql(
  q: Queryable,
  scope: Scope,
  settings: RfmSettings,
  rules: readonly TierRule[],
  meta: { reason: string; actorId: string | null },
): Promise<{ result: Omit<RecomputeResult, 'durationMs'>; changed: ChangedRow[] }> {
  const active = ranked(rules);
  if (!active.length) return { result: { considered: 0, changed: 0, up: 0, down: 0 }, changed: [] };
  const t = scope.tenantId;
  const details = sql`jsonb_build_object('recencyDays', u.recency_days, 'frequency', u.freq, 'monetaryFen', u.monetary, 'engagement', u.eng, 'windowMonths', ${settings.windowMonths}::int)`;
  const query = sql`
    with ${figuresCte(scope, settings, active, 'exclude')},
    decided as (select fig.*, ${decideSql(active)} as new_tier from fig),
    upd as (
      update ${customers} c set tier = d.new_tier, tier_changed_at = ${scope.now}
        from decided d
       where c.tenant_id = ${t} and c.id = d.id and d.new_tier <> d.old_tier and c.tier = d.old_tier
      returning c.id, d.old_tier, d.new_tier, d.recency_days, d.freq, d.monetary, d.eng
    ),
    hist as (
      insert into ${customerTierHistory} (tenant_id, customer_id, from_tier, to_tier, reason, details, actor_id, created_at)
      select ${t}, u.id, u.old_tier, u.new_tier, ${meta.reason}, ${details}, ${meta.actorId}::uuid, ${scope.now}::timestamptz from upd u
      returning 1
    )
    select (select count(*) from fig)::int as considered,
           (select count(*) from upd)::int as changed,
           (select count(*) from upd where ${rankSql(active, sql`upd.new_tier`)} > ${rankSql(active, sql`upd.old_tier`)})::int as up,
           (select count(*) from hist)::int as written,
           ${scope.customerIds ? sql`(select coalesce(jsonb_agg(upd), '[]'::jsonb) from upd)` : sql`'[]'::jsonb`} as rows`;
  const [r] = await rows<{ considered: number; changed: number; up: number; written: number; rows: ChangedRow[] | string }>(q, query);
  const changed = typeof r.rows === 'string' ? (JSON.parse(r.rows) as ChangedRow[]) : r.rows;
  return { result: { considered: Number(r.considered), changed: Number(r.changed), up: Number(r.up), down: Number(r.changed) - Number(r.up) }, changed };
}

/** How many customers each draft tier would hold and how many would move; reads only. */
export async function previewSql(q: Queryable, scope: Scope, settings: RfmSettings, draft: readonly TierRule[], current: readonly TierRule[]): Promise<Omit<TierPreview, 'tiers'> & { tiers: { code: string; current: number; proposed: number }[] }> {
  const active = ranked(draft);
  // one hash aggregate over (from, to) pairs: at most tiers² rows come back, the rest is arithmetic here
  const pairs = await rows<{ old_tier: string; new_tier: string; overridden: boolean; n: number | string }>(
    q,
    sql`with ${figuresCte(scope, settings, active, 'flag')}
        select old_tier, case when fig.overridden then fig.old_tier else ${decideSql(active)} end as new_tier, overridden, count(*) as n
          from fig group by 1, 2, 3`,
  );
  // up or down by the draft's ranks; a code the draft drops is ranked as it is today
  const rankOf = (code: string) => active.find((r) => r.code === code)?.rank ?? current.find((r) => r.code === code)?.rank ?? -1;
  const tiers = new Map<string, { code: string; current: number; proposed: number }>();
  const bump = (code: string, k: 'current' | 'proposed', n: number) => {
    const e = tiers.get(code) ?? { code, current: 0, proposed: 0 };
    e[k] += n;
    tiers.set(code, e);
  };
  let total = 0;
  let overridden = 0;
  let up = 0;
  let down = 0;
  for (const p of pairs) {
    const n = Number(p.n);
    total += n;
    bump(p.old_tier, 'current', n);
    bump(p.new_tier, 'proposed', n);
    if (p.overridden) overridden += n;
    else if (p.new_tier !== p.old_tier) {
      if (rankOf(p.new_tier) > rankOf(p.old_tier)) up += n;
      else down += n;
    }
  }
  return { total, overridden, up, down, unchanged: total - up - down, tiers: [...tiers.values()] };
}
