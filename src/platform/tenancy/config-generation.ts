import { sql, type SQL } from 'drizzle-orm';
import { rows, type Queryable } from '../db/db.ts';

/**
 * A tenant's settings generation: the counters row `config_generation`, set from a sequence by a trigger on
 * every write to the settings tables that processes keep in memory (migrations 0022 and 0024 install it). A cache
 * entry read at generation G stays right while the tenant's generation is G: a write anywhere, by any
 * process or script, moves it on, and a sequence never gives the same number twice (not even after a
 * rollback), so an entry is never taken for a state it was not read in.
 *
 * Only tables with that trigger may be cached this way.
 */
export function configGenerationSql(tenantId: string): SQL {
  // a scalar sub-select, so the caller reads it in a statement it runs anyway instead of a round trip of its own
  return sql`(select value from counters where tenant_id = ${tenantId} and name = 'config_generation')`;
}

/** The generation as a number: the drivers give bigint columns as strings, and a tenant never written has none (0). */
export function toGeneration(value: unknown): number {
  return Number(value ?? 0);
}

export async function readConfigGeneration(q: Queryable, tenantId: string): Promise<number> {
  const [r] = await rows<{ generation: unknown }>(q, sql`select ${configGenerationSql(tenantId)} as generation`);
  return toGeneration(r?.generation);
}

/** One value per tenant, valid for the settings generation it was loaded at. */
export class GenerationCache<T> {
  private readonly entries = new Map<string, { generation: number; value: T }>();

  /** Bounded by tenants, not by time: past this many the cache starts over rather than grow without end. */
  constructor(private readonly maxTenants = 1000) {}

  /** What is held for the tenant, of whatever generation: for a caller that checks the generation later. */
  peek(tenantId: string): { generation: number; value: T } | undefined {
    return this.entries.get(tenantId);
  }

  /** The value at this generation: the one held when it was loaded at it, else loaded now and held. */
  async at(tenantId: string, generation: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(tenantId);
    if (hit && hit.generation === generation) return hit.value;
    // loaded after the generation was read, so it is at least that state: at worst newer, and then the
    // next read of the generation (moved on by that write) replaces it
    const value = await load();
    if (this.entries.size >= this.maxTenants && !this.entries.has(tenantId)) this.entries.clear();
    this.entries.set(tenantId, { generation, value });
    return value;
  }
}
