import { sql, type SQL } from 'drizzle-orm';
import { tickets } from '../tickets/index.ts';
import type { EngagementSource } from './tiers.contract.ts';

/**
 * Where the RFM "engagement" figure comes from. Modules that record interactions with customers register a
 * query here at load time, so the customers module never names their tables and modules that depend on
 * customers (campaigns: segments are its audiences) are not imported back. The recompute embeds every chosen
 * source as a sub-select of ONE statement, which keeps a tenant of a million customers set-based.
 * A source the tenant chose but no module registered counts nothing: the same as not choosing it.
 */
export interface EngagementWindow {
  tenantId: string;
  /** start of the RFM window; interactions from here on count */
  since: Date;
  /** only these customers (a recompute for a list); all of the tenant's when omitted */
  customerIds?: readonly string[];
}

/** A select of one `customer_id` column, one row per interaction in the window (each row adds 1). */
export type EngagementQuery = (w: EngagementWindow) => SQL;

const sources = new Map<EngagementSource, EngagementQuery>();

/** Registers (or replaces) a source; the returned function removes it again, putting back what it replaced. */
export function registerEngagementSource(code: EngagementSource, query: EngagementQuery): () => void {
  const previous = sources.get(code);
  sources.set(code, query);
  return () => {
    if (sources.get(code) !== query) return;
    if (previous) sources.set(code, previous);
    else sources.delete(code);
  };
}

/** The registered sources among `codes`, as sub-selects for the window. */
export function engagementQueries(codes: readonly EngagementSource[], w: EngagementWindow): SQL[] {
  return [...new Set(codes)].flatMap((code) => {
    const query = sources.get(code);
    return query ? [query(w)] : [];
  });
}

const uuidList = (ids: readonly string[]) => sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);

// Tickets are read through the tickets module's exported table, which customers already depends on.
registerEngagementSource(
  'tickets',
  (w) => sql`select ${tickets.customerId} as customer_id from ${tickets}
              where ${tickets.tenantId} = ${w.tenantId} and ${tickets.createdAt} >= ${w.since} and ${tickets.customerId} is not null
              ${w.customerIds ? sql`and ${tickets.customerId} in (${uuidList(w.customerIds)})` : sql``}`,
);
