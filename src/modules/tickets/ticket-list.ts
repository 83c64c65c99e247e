import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable } from '../../platform/db/db.ts';
import { inlineLimit, preparedPerDb } from '../../platform/db/prepared.ts';
import { isoUtc } from '../../platform/db/json-sql.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { searchQuery } from '../../platform/search/search.ts';
import { customers } from '../customers/index.ts';
import { slaPolicies } from '../sla/index.ts';
import { tickets } from './tickets.schema.ts';
import type { TicketListQuery } from './tickets.contract.ts';
import { ticketJoins, ticketJson } from './ticket-json.ts';

/** The page body of `page(Ticket)` around rows that are JSON text already. */
const pageText = (items: string[], nextCursor: string | null) => `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;

/**
 * What a list statement's text depends on: which filters are present (how many values in each list), the
 * sort, the kind of cursor and the page size. Each shape is one named prepared statement per connection,
 * so the page's SQL (~80 fragments: drizzle's builder cost more Node time than the rows) is built once
 * and planned by PostgreSQL on first use. The page size is in the text, not a parameter, because the
 * planner's choice between walking an index and sorting depends on it.
 */
interface ListShape {
  status: number;
  type: number;
  priority: number;
  team: boolean;
  customer: boolean;
  tag: boolean;
  assignee: 'none' | 'id' | null;
  sort: TicketListQuery['sort'];
  cursor: 'none' | 'at' | null;
  limit: number;
}

const ph = sql.placeholder;

type Filters = Pick<ListShape, 'status' | 'type' | 'priority' | 'team' | 'customer' | 'tag' | 'assignee'>;
/** The filters' conditions; `v` gives each value or its placeholder (the search query is not prepared). */
function filters(shape: Filters, v: (name: string) => string | Placeholder<string>): SQL[] {
  const list = (name: string, n: number) => Array.from({ length: n }, (_, i) => v(`${name}${i}`));
  const conds: SQL[] = [eq(tickets.tenantId, v('tenantId'))];
  if (shape.status) conds.push(inArray(tickets.status, list('status', shape.status)));
  if (shape.type) conds.push(inArray(tickets.type, list('type', shape.type)));
  if (shape.priority) conds.push(inArray(tickets.priority, list('priority', shape.priority)));
  if (shape.team) conds.push(eq(tickets.teamId, v('teamId')));
  if (shape.customer) conds.push(eq(tickets.customerId, v('customerId')));
  if (shape.tag) conds.push(sql`${v('tag')} = any(${tickets.tags})`);
  if (shape.assignee === 'none') conds.push(sql`${tickets.assigneeId} is null`);
  else if (shape.assignee === 'id') conds.push(eq(tickets.assigneeId, v('assigneeId')));
  return conds;
}

/** A list page's query; `v` gives each value or its placeholder, as for filters(). */
function listQuery(db: Queryable, shape: ListShape, v: (name: string) => string | Placeholder<string>) {
  const conds = filters(shape, v);
  let order: SQL[];
  if (shape.sort === 'sla_due') {
    // tickets with no running target last; written as NULLS LAST (not coalesce) so the queue index serves it
    if (shape.cursor === 'none') conds.push(sql`(${tickets.slaDueAt} is null and ${tickets.id} > ${v('afterId')}::uuid)`);
    else if (shape.cursor === 'at')
      conds.push(sql`(${tickets.slaDueAt} > ${v('afterAt')}::timestamptz or (${tickets.slaDueAt} = ${v('afterAt')}::timestamptz and ${tickets.id} > ${v('afterId')}::uuid) or ${tickets.slaDueAt} is null)`);
    order = [sql`${tickets.slaDueAt} asc nulls last`, asc(tickets.id)];
  } else {
    const col = shape.sort === 'updated_desc' ? tickets.updatedAt : tickets.createdAt;
    if (shape.cursor) conds.push(sql`(${col}, ${tickets.id}) < (${v('afterAt')}::timestamptz, ${v('afterId')}::uuid)`);
    order = [desc(col), desc(tickets.id)];
  }
  const { customer, policy } = ticketJoins();
  return db
    // the sort key as the cursor writes it: as text, so 51 rows need no Date parsing for the one key the page uses
    .select({ id: tickets.id, key: isoUtc(shape.sort === 'sla_due' ? tickets.slaDueAt : shape.sort === 'updated_desc' ? tickets.updatedAt : tickets.createdAt), json: ticketJson(sql`${v('now')}`) })
    .from(tickets)
    .leftJoin(customers, customer)
    .leftJoin(slaPolicies, policy)
    .where(and(...conds))
    .orderBy(...order)
    .limit(inlineLimit(shape.limit + 1));
}

/** The search page's rows, by id (the hits come from a ranked query whose text varies with the words). */
function rowsByIdStatement(db: Queryable) {
  const { customer, policy } = ticketJoins();
  return db
    .select({ id: tickets.id, json: ticketJson(ph('now')) })
    .from(tickets)
    .leftJoin(customers, customer)
    .leftJoin(slaPolicies, policy)
    .where(and(eq(tickets.tenantId, ph('tenantId')), sql`${tickets.id} = any(${ph('ids')}::uuid[])`))
    .prepare('ticket_list_by_ids');
}

/**
 * Shapes prepared, per database handle. Past this many a new shape runs as a plain (unnamed) statement:
 * every named statement costs each PostgreSQL connection that ran it memory for its plan, and a client
 * walking through page sizes and filter sets must not grow that without bound.
 */
const MAX_SHAPES = 128;
const statements = preparedPerDb(() => new Map<string, ReturnType<typeof prepareList>>());
const byIds = preparedPerDb((db) => rowsByIdStatement(db));
const prepareList = (db: Queryable, shape: ListShape, name: string) => listQuery(db, shape, ph).prepare(name);

async function runList(db: Queryable, shape: ListShape, values: Record<string, string | undefined>) {
  const key = JSON.stringify(shape);
  const cache = statements(db);
  let st = cache.get(key);
  if (!st && cache.size < MAX_SHAPES) {
    st = prepareList(db, shape, `ticket_list_${createHash('sha1').update(key).digest('hex').slice(0, 16)}`);
    cache.set(key, st);
  }
  return st ? st.execute(values) : listQuery(db, shape, (name) => values[name]!);
}

/** A page's values and which filters it has; null when the page is empty without a query. */
interface PageRequest {
  now: string;
  values: Record<string, string | undefined>;
  present: Filters;
}

function pageRequest(tenantId: string, userId: string | null, q: TicketListQuery): PageRequest | null {
  const now = new Date().toISOString();
  const assigneeId = (q.assignee === 'me' ? userId : q.assignee === 'none' ? undefined : q.assignee) ?? undefined;
  // "mine" for an actor that is no user (an API key): nobody's tickets
  if (q.assignee === 'me' && !assigneeId) return null;
  const values: Record<string, string | undefined> = { tenantId, now, teamId: q.teamId, customerId: q.customerId, tag: q.tag, assigneeId };
  const lists = { status: q.status ?? [], type: q.type ?? [], priority: q.priority ?? [] };
  for (const [name, list] of Object.entries(lists)) list.forEach((v, i) => (values[`${name}${i}`] = v));
  const present = {
    status: lists.status.length,
    type: lists.type.length,
    priority: lists.priority.length,
    team: !!q.teamId,
    customer: !!q.customerId,
    tag: !!q.tag,
    assignee: q.assignee === 'none' ? ('none' as const) : assigneeId ? ('id' as const) : null,
  };
  return { now, values, present };
}

/** A search page's hits, by rank (the query's text varies with the words, so it is not prepared). */
function hitsQuery(db: Queryable, r: PageRequest, q: TicketListQuery, tsq: SQL) {
  // One index scan: the ticket's vector holds its messages' text too (ticket-text.ts); the number is an exact
  // match on its unique index, which PostgreSQL ORs with the text index (BitmapOr).
  const conds = filters(r.present, (name) => r.values[name]!);
  conds.push(sql`(${tickets.searchVector} @@ ${tsq} or ${tickets.number} = ${q.q!.toUpperCase()})`);
  const rank = sql<number>`ts_rank(${tickets.searchVector}, ${tsq})`;
  const after = decodeCursor(q.cursor, ['number', 'string', 'string']);
  if (after) conds.push(sql`(${rank}, ${tickets.createdAt}, ${tickets.id}) < (${after[0]}::real, ${after[1]}::timestamptz, ${after[2]}::uuid)`);
  // The page's hits first, by rank, then their rows and names for those 50 only: joined before the sort,
  // the customer and policy would be looked up for every hit (thousands for a common word).
  return db
    .select({ id: tickets.id, createdAt: tickets.createdAt, rank })
    .from(tickets)
    .where(and(...conds))
    .orderBy(desc(rank), desc(tickets.createdAt), desc(tickets.id))
    .limit(q.limit + 1);
}

/** A list page's shape; the cursor's values go into `values`. */
function listShape(r: PageRequest, q: TicketListQuery): ListShape {
  const after = decodeCursor(q.cursor, ['string', 'string']);
  let cursor: ListShape['cursor'] = null;
  if (after) {
    cursor = q.sort === 'sla_due' && after[0] === 'none' ? 'none' : 'at';
    r.values.afterAt = String(after[0]);
    r.values.afterId = String(after[1]);
  }
  return { ...r.present, sort: q.sort, cursor, limit: q.limit };
}

/** A ticket list or search page (GET /api/v1/tickets), as the JSON text of `page(Ticket)`. */
export async function listTicketsJson(ctx: Ctx, q: TicketListQuery): Promise<string> {
  const r = pageRequest(ctx.tenantId, ctx.actor.userId, q);
  if (!r) return pageText([], null);
  const tsq = q.q ? searchQuery(q.q) : null;
  if (q.q && !tsq) return pageText([], null);
  if (tsq) {
    const hits = await hitsQuery(ctx.db, r, q, tsq);
    const p = toPage(hits, q.limit, (h) => [h.rank, h.createdAt.toISOString(), h.id]);
    const rs = p.items.length ? await byIds(ctx.db).execute({ tenantId: ctx.tenantId, now: r.now, ids: p.items.map((h) => h.id) }) : [];
    const byId = new Map(rs.map((x) => [x.id, x.json]));
    return pageText(p.items.flatMap((h) => (byId.has(h.id) ? [byId.get(h.id)!] : [])), p.nextCursor);
  }
  const rs = await runList(ctx.db, listShape(r, q), r.values);
  // a null key is a ticket with no running SLA target (sla_due sort; the other sort columns are never null)
  const p = toPage(rs, q.limit, (x) => [x.key ?? 'none', x.id]);
  return pageText(p.items.map((x) => x.json), p.nextCursor);
}

/**
 * The statement a list page runs (a search page: its ranked hits), with the values written in instead of
 * prepared, for EXPLAIN ANALYZE (the ticket benchmark). Null when the page needs no query.
 */
export function ticketListStatement(db: Queryable, tenantId: string, userId: string | null, q: TicketListQuery): SQLWrapper | null {
  const r = pageRequest(tenantId, userId, q);
  if (!r) return null;
  if (q.q) {
    const tsq = searchQuery(q.q);
    return tsq ? hitsQuery(db, r, q, tsq) : null;
  }
  return listQuery(db, listShape(r, q), (name) => r.values[name]!);
}
