import { eq, sql, type SQLWrapper } from 'drizzle-orm';
import { rows, type Db } from '../../src/platform/db/db.ts';
import { joinTx, systemCtx } from '../../src/platform/tenancy/ctx.ts';
import { tenants } from '../../src/platform/tenancy/tenancy.schema.ts';
import { users } from '../../src/platform/auth/auth.schema.ts';
import { teams } from '../../src/platform/teams/teams.schema.ts';
import { createCnStandard } from '../../src/platform/calendar/calendar.service.ts';
import { createDefaultPolicies } from '../../src/modules/sla/index.ts';
import { createImporter } from '../../src/modules/import/index.ts';
import { ticketHistory } from './ticket-history.ts';

export const benchTeams = ['Queue A', 'Queue B', 'Queue C'];

export interface LoadTenant {
  id: string;
  slug: string;
  timeZone: string;
  agents: { name: string; email: string }[];
}

/**
 * The seeded tenants plus new ones up to `count`, each with the cn-standard calendar, the default SLA
 * policies, three queues and three agents (the new agents cannot sign in: their password hash is invalid).
 */
export async function prepareTenants(db: Db, count: number): Promise<LoadTenant[]> {
  const existing = await db.select().from(tenants);
  for (let i = existing.length; i < count; i++) {
    const [row] = await db.insert(tenants).values({ slug: `bench-${i}`, name: `Bench tenant ${i}`, timeZone: 'Asia/Shanghai', defaultLocale: 'zh-CN' }).returning();
    const ctx = systemCtx(db, row);
    await ctx.tx(async (tx) => {
      await createCnStandard(joinTx(ctx, tx));
      await createDefaultPolicies(joinTx(ctx, tx));
      await tx.insert(users).values([1, 2, 3].map((k) => ({ tenantId: row.id, email: `agent${k}@bench-${i}.example`, name: `Agent ${k}`, roles: ['agent'], passwordHash: '!' })));
    });
  }
  const all = (await db.select().from(tenants)).slice(0, count);
  const out: LoadTenant[] = [];
  for (const t of all) {
    await db.insert(teams).values(benchTeams.map((name) => ({ tenantId: t.id, name }))).onConflictDoNothing();
    const agents = await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.tenantId, t.id));
    out.push({ id: t.id, slug: t.slug, timeZone: t.timeZone, agents });
  }
  return out;
}

export interface LoadFigures {
  tickets: number;
  imported: number;
  failed: number;
  seconds: number;
  generateSeconds: number;
  firstError: unknown;
}

/**
 * Loads `perTenant` tickets into every tenant through the import engine (parse, validate, replay the SLA,
 * bulk INSERT … unnest), 1,000 lines per transaction, with two tenants in flight at a time so that
 * JavaScript work for one chunk overlaps PostgreSQL work for another on the 2 cores.
 */
export async function loadHistory(db: Db, list: LoadTenant[], perTenant: number, log: (m: string) => void, chunkLines = 1000): Promise<LoadFigures> {
  const f: LoadFigures = { tickets: list.length * perTenant, imported: 0, failed: 0, seconds: 0, generateSeconds: 0, firstError: null };
  const started = performance.now();
  let nextTenant = 0;
  let lastLog = started;
  const worker = async () => {
    for (let k = nextTenant++; k < list.length; k = nextTenant++) {
      const tenant = list[k];
      const importer = await createImporter(db, tenant);
      const gen = ticketHistory({ tenantIndex: k, count: perTenant, teams: benchTeams, agents: tenant.agents });
      let lineNo = 0;
      for (;;) {
        const g0 = performance.now();
        const batch: { no: number; text: string }[] = [];
        for (let n = 0; n < chunkLines; n++) {
          const r = gen.next();
          if (r.done) break;
          batch.push({ no: ++lineNo, text: r.value });
        }
        f.generateSeconds += (performance.now() - g0) / 1000;
        if (batch.length === 0) break;
        const r = await db.transaction((tx) => importer.chunk(tx, batch));
        f.imported += r.imported;
        f.failed += r.failed;
        f.firstError ??= r.errors[0] ?? null;
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`tickets: ${f.imported.toLocaleString('en-US')} imported, ${Math.round(f.imported / ((lastLog - started) / 1000))} tickets/s`);
        }
      }
    }
  };
  await Promise.all([worker(), worker()]);
  f.seconds = (performance.now() - started) / 1000;
  return f;
}

/** Fresh statistics after the bulk load: without them the planner guesses on an empty-table estimate. */
export async function analyze(db: Db): Promise<number> {
  const t0 = performance.now();
  await db.execute(sql`vacuum analyze tickets, ticket_messages, ticket_events, customers, customer_identities`);
  return (performance.now() - t0) / 1000;
}

export async function tableSizes(db: Db): Promise<{ table: string; rows: number; mb: number }[]> {
  const rs = await rows<{ table: string; rows: string; bytes: string }>(
    db,
    sql`select c.relname as table, c.reltuples::bigint as rows, pg_total_relation_size(c.oid) as bytes from pg_class c
        where c.relname in ('tickets', 'ticket_messages', 'ticket_events', 'customers', 'customer_identities') order by c.relname`,
  );
  return rs.map((r) => ({ table: r.table, rows: Number(r.rows), mb: Number(r.bytes) / 2 ** 20 }));
}

/** EXPLAIN (ANALYZE, BUFFERS) text of a query, for the notes of a missed target. */
export async function explain(db: Db, query: SQLWrapper): Promise<string> {
  const rs = await rows<{ 'QUERY PLAN': string }>(db, sql`explain (analyze, buffers) ${query}`);
  return rs.map((r) => r['QUERY PLAN']).join('\n');
}
