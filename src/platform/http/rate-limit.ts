import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/db.ts';

/**
 * A fixed-window counter in the database, so every API process counts together (login throttling uses
 * the same table). Returns 0 when the call is allowed, else the seconds until the window ends.
 */
export async function hitRateLimit(db: Db, tenantId: string, key: string, limit: number, windowSeconds: number): Promise<number> {
  const [r] = await rows<{ failures: number; left: number }>(
    db,
    sql`insert into login_throttle (tenant_id, key, failures, window_start) values (${tenantId}, ${key}, 1, now())
        on conflict (tenant_id, key) do update set
          failures = case when login_throttle.window_start < now() - make_interval(secs => ${windowSeconds}) then 1 else login_throttle.failures + 1 end,
          window_start = case when login_throttle.window_start < now() - make_interval(secs => ${windowSeconds}) then now() else login_throttle.window_start end
        returning failures, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as left`,
  );
  return r.failures > limit ? Math.max(1, r.left) : 0;
}
