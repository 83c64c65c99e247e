import { randomUUID } from 'node:crypto';
import { getTableColumns, is, sql, SQL } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { DateTime } from 'luxon';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { AppError, fieldError } from '../../platform/http/errors.ts';
import { changeRows } from '../../platform/outbox/outbox.ts';
import { outboxEvents } from '../../platform/outbox/outbox.schema.ts';
import { auditLog } from '../../platform/audit/audit.schema.ts';
import { jobRows } from '../../platform/jobs/index.ts';
import { jobs as jobsTable } from '../../platform/jobs/jobs.schema.ts';
import { calendarRules } from '../../platform/calendar/calendar.service.ts';
import type { CalendarRules } from '../../platform/calendar/business-time.ts';
import { counters } from '../../platform/tenancy/tenancy.schema.ts';
import { configGenerationSql, GenerationCache, readConfigGeneration, toGeneration } from '../../platform/tenancy/config-generation.ts';
import { contactProblems, getCustomers, identitiesOf, loadTierConfig, resolveCustomer, standardFrom } from '../customers/index.ts';
import { activePolicies, firstMatching, slaClock, type SlaPolicy, type SlaSubject } from '../sla/index.ts';
import { ticketEvents, tickets } from './tickets.schema.ts';
import type { CreateTicket, Ticket } from './tickets.contract.ts';
import type { TicketFieldDef } from './custom-fields.contract.ts';
import { checkCustomFieldsWith, loadDefs } from './custom-fields.service.ts';
import { clockColumns, slaCheckJobs, type SlaContext } from './ticket-sla.ts';
import { pickAssignee } from './routing.service.ts';
import { assertRefs, toTicket, type CreateOptions, type TicketRow } from './tickets.service.ts';
import { ownVector, ticketOwnText } from './ticket-text.ts';

/**
 * The settings every create reads: custom field definitions, the active SLA policies, their calendars and
 * the customer tiers. They were five to seven queries per create; now they are kept per tenant and checked
 * against the tenant's settings generation (counters row `config_generation`, bumped by a trigger on every
 * write to those tables, see migration 0022 and platform/tenancy/config-generation.ts), which the API create
 * reads in a statement it runs anyway.
 * Keyed by tenant: an entry holds that tenant's rows only.
 */
export interface CreateSettings {
  generation: number;
  fieldDefs: TicketFieldDef[];
  policies: SlaPolicy[];
  tiers: Awaited<ReturnType<typeof loadTierConfig>>['definitions'];
  /** filled on first use: a policy's calendar may be missing, and only the selected policy's may fail */
  calendars: Map<string, CalendarRules>;
}

const settingsCache = new GenerationCache<CreateSettings>();

async function settingsAt(q: Queryable, tenantId: string, generation: number): Promise<CreateSettings> {
  return settingsCache.at(tenantId, generation, async () => ({
    generation,
    fieldDefs: await loadDefs(q, tenantId),
    policies: await activePolicies(q, tenantId),
    tiers: (await loadTierConfig(q, tenantId)).definitions,
    calendars: new Map(),
  }));
}

/** The policy and calendar of a new ticket (the first matching active policy); null when none applies. */
async function slaFor(q: Queryable, tenantId: string, s: CreateSettings, subject: SlaSubject): Promise<SlaContext | null> {
  const policy = firstMatching(s.policies, subject);
  if (!policy) return null;
  let rules = s.calendars.get(policy.calendarId);
  if (!rules) {
    rules = await calendarRules(q, tenantId, policy.calendarId);
    s.calendars.set(policy.calendarId, rules);
  }
  return { policy, rules };
}

const dialect = new PgDialect();
const statementNames = new Map<string, string>();

/**
 * Runs a statement as a named (prepared) one: PostgreSQL parses and plans each text once per connection
 * instead of on every create (≈0.35 ms of server CPU for the create's two statements). The texts are few
 * (the parameters carry the rows); a name stands for one text only.
 */
async function named<T>(q: Queryable, query: SQL): Promise<T[]> {
  const built = dialect.sqlToQuery(query);
  let name = statementNames.get(built.sql);
  // past a few dozen texts something varies that should not: run unnamed rather than fill every connection
  if (!name && statementNames.size < 50) {
    name = `ticket_create_${statementNames.size + 1}`;
    statementNames.set(built.sql, name);
  }
  const res = (await q._.session.prepareQuery(built, undefined, name, false).execute()) as { rows: T[] };
  return res.rows;
}

interface Lookup {
  seq: number;
  generation: number;
  /** identities of the details that some customer already has */
  matches: { customerId: string; kind: string; value: string }[];
  /** the customer asked for by id, or the one the first match belongs to */
  customer: { id: string; name: string; tier: string; dedicatedAgentId: string | null; agentActive: boolean; identities: string[] } | null;
}

/**
 * One round trip before the write: the tenant's next number (in its own short statement, as nextNumber: the
 * counter row is locked only until this statement commits), the settings generation, and the customer the
 * contact details or customerId name, with what routing and the search text need of it.
 *
 * The statement commits without waiting for its WAL flush (synchronous_commit off for this transaction
 * only). The counter row stays locked until the commit is done, and waiting for the flush (~4 ms on this
 * machine's disk) made every create of a tenant queue behind the previous one's fsync. Nothing durable is
 * lost: the ticket's own commit is synchronous and comes later in the WAL, so a ticket that survives a crash
 * brings its counter value with it, and a number lost in a crash was never given to a stored ticket.
 */
async function takeNumberAndLookUp(q: Queryable, tenantId: string, customerId: string | null, ids: { kind: string; value: string }[]): Promise<Lookup> {
  const of = (kind: string) => ids.find((i) => i.kind === kind)?.value ?? null;
  const [r] = await named<{ seq: string | number; generation: string | number | null; matches: Lookup['matches']; customer: Lookup['customer'] }>(
    q,
    sql`with async as (select set_config('synchronous_commit', 'off', true)), n as (
        insert into counters (tenant_id, name, value) values (${tenantId}, 'ticket', 1)
        on conflict (tenant_id, name) do update set value = counters.value + 1 returning value
      ), m as (
        select customer_id, kind, value from customer_identities
        where tenant_id = ${tenantId} and ((kind = 'email' and value = ${of('email')}) or (kind = 'phone' and value = ${of('phone')}) or (kind = 'external' and value = ${of('external')}))
      )
      select n.value as seq,
        ${configGenerationSql(tenantId)} as generation,
        (select coalesce(json_agg(json_build_object('customerId', m.customer_id, 'kind', m.kind, 'value', m.value)), '[]'::json) from m) as matches,
        (select json_build_object('id', c.id, 'name', c.name, 'tier', c.tier, 'dedicatedAgentId', c.dedicated_agent_id,
            'agentActive', exists(select 1 from users u where u.tenant_id = c.tenant_id and u.id = c.dedicated_agent_id and u.active),
            'identities', coalesce((select json_agg(i.value order by i.kind, i.created_at) from customer_identities i where i.tenant_id = c.tenant_id and i.customer_id = c.id), '[]'::json))
          from customers c where c.tenant_id = ${tenantId} and c.id = coalesce(${customerId}::uuid, (select m.customer_id from m limit 1))) as customer
      from n cross join async`,
  );
  return { seq: Number(r.seq), generation: toGeneration(r.generation), matches: r.matches, customer: r.customer };
}

/** The API's create: contact details that cannot be used are a field error, not silently dropped. */
export async function createTicket(ctx: Ctx, input: CreateTicket, opts: CreateOptions = {}): Promise<Ticket> {
  const problems = input.customer ? contactProblems(input.customer) : [];
  if (problems.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: problems.map((p) => ({ path: `customer.${p.field}`, code: `errors.${p.code}` })) });
  let settings = settingsCache.peek(ctx.tenantId)?.value ?? (await settingsAt(ctx.db, ctx.tenantId, await readConfigGeneration(ctx.db, ctx.tenantId)));
  try {
    checkCustomFieldsWith(settings.fieldDefs, ctx, input.type, input.customFields);
  } catch (e) {
    // refused by cached definitions: refuse only by the current ones
    const generation = await readConfigGeneration(ctx.db, ctx.tenantId);
    if (generation === settings.generation) throw e;
    settings = await settingsAt(ctx.db, ctx.tenantId, generation);
    checkCustomFieldsWith(settings.fieldDefs, ctx, input.type, input.customFields);
  }
  await assertRefs(ctx.db, ctx, input);
  // The number is taken in its own short statement before the transaction: taken inside it, the tenant's
  // counter row stayed locked for the whole create and serialised every create of the tenant (108/s at c=16).
  // A create that fails after this point leaves a gap in the numbering, as a PostgreSQL sequence would.
  const contact = !input.customerId && input.customer ? identitiesOf(input.customer) : [];
  const found = await takeNumberAndLookUp(ctx.db, ctx.tenantId, input.customerId ?? null, contact);
  if (found.generation !== settings.generation) {
    settings = await settingsAt(ctx.db, ctx.tenantId, found.generation);
    checkCustomFieldsWith(settings.fieldDefs, ctx, input.type, input.customFields);
  }
  const slow = () => ctx.tx(async (tx) => (await createInTx(tx, ctx, input, { ...opts, seq: found.seq }, settings)).ticket);

  // Without a transaction only when the create writes nothing but the ticket and its history (one statement,
  // atomic by itself): a customer to create or an identity to attach, and team routing (it reads loads and
  // locks the round-robin pointer), go the transactional way.
  if (opts.createdAt) return slow();
  const c = found.customer;
  if (input.customerId) {
    if (!c) throw fieldError('customerId', 'not_found', 422);
  } else if (input.customer) {
    if (contact.length === 0) {
      if (input.customer.name?.trim()) return slow();
    } else if (found.matches.length !== contact.length || found.matches.some((m) => m.customerId !== found.matches[0].customerId) || !c) {
      return slow();
    }
  }
  const customer = input.customerId || contact.length ? c : null;
  // pickAssignee's first two rules on what the lookup read: the tier's dedicated agent when active, else
  // nobody without a team
  let assigneeId: string | null = input.assigneeId ?? null;
  if (!assigneeId) {
    const standard = customer ? standardFrom(settings.tiers, customer.tier, customer.dedicatedAgentId, false) : null;
    if (standard?.dedicatedAgentId && customer?.agentActive) assigneeId = standard.dedicatedAgentId;
    else if (input.teamId) return slow();
  }
  const createdAt = new Date();
  const sla = await slaFor(ctx.db, ctx.tenantId, settings, { type: input.type, priority: input.priority, channel: input.channel, tier: customer?.tier ?? 'regular' });
  return (await writeTicket(ctx.db, ctx, input, { seq: found.seq, createdAt, customerId: customer?.id ?? null, customerName: customer?.name ?? null, identities: customer?.identities ?? [], assigneeId, sla, live: true, externalId: opts.externalId ?? null })).ticket;
}

export async function createTicketInTx(tx: Tx, ctx: Ctx, input: CreateTicket, opts: CreateOptions = {}): Promise<{ ticket: Ticket; row: TicketRow }> {
  return createInTx(tx, ctx, input, opts);
}

async function createInTx(tx: Tx, ctx: Ctx, input: CreateTicket, opts: CreateOptions, known?: CreateSettings): Promise<{ ticket: Ticket; row: TicketRow }> {
  if (opts.seq === undefined) await assertRefs(tx, ctx, input);
  const settings = known ?? (await settingsAt(tx, ctx.tenantId, await readConfigGeneration(tx, ctx.tenantId)));
  const createdAt = opts.createdAt ?? new Date();
  let customerId = input.customerId ?? null;
  if (!customerId && input.customer) customerId = await resolveCustomer(tx, ctx, input.customer);
  const [customer] = customerId ? await getCustomers(tx, ctx.tenantId, [customerId]) : [];
  if (input.customerId && !customer) throw fieldError('customerId', 'not_found', 422);
  const sla = await slaFor(tx, ctx.tenantId, settings, { type: input.type, priority: input.priority, channel: input.channel, tier: customer?.tier ?? 'regular' });
  // routing (VIP dedicated agent, round robin, least loaded, skills) only for live tickets, not imports
  const assigneeId =
    input.assigneeId ?? (opts.createdAt ? null : await pickAssignee(tx, ctx.tenantId, { teamId: input.teamId ?? null, customerId, tags: input.tags, customFields: input.customFields, category: input.category ?? null }));
  const seq = opts.seq ?? (await nextTicketNumber(tx, ctx.tenantId));
  return writeTicket(tx, ctx, input, {
    seq,
    createdAt,
    customerId,
    customerName: customer?.name ?? null,
    identities: customer?.identities.map((i) => i.value) ?? [],
    assigneeId,
    sla,
    live: !opts.createdAt,
    externalId: opts.externalId ?? null,
  });
}

async function nextTicketNumber(q: Queryable, tenantId: string): Promise<number> {
  const [row] = await q
    .insert(counters)
    .values({ tenantId, name: 'ticket', value: 1 })
    .onConflictDoUpdate({ target: [counters.tenantId, counters.name], set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  return row.value;
}

interface Written {
  seq: number;
  createdAt: Date;
  customerId: string | null;
  customerName: string | null;
  identities: string[];
  assigneeId: string | null;
  sla: SlaContext | null;
  /** false for imports: their SLA checks are the importer's business */
  live: boolean;
  externalId: string | null;
}

/**
 * `INSERT … SELECT` of rows sent as ONE json parameter, columns named by the table's definition. Built by the
 * query builder, the ticket's write was ~80 parameters, and turning each into SQL cost more JS time than
 * anything else in a create. Columns not given take their defaults; every row must give the same columns.
 */
function jsonInsert<T extends PgTable>(table: T, rowsIn: T['$inferInsert'][], opts: { search?: SQL; onConflict?: SQL } = {}): SQL {
  const byKey = getTableColumns(table) as Record<string, PgColumn>;
  const first = rowsIn[0] as Record<string, unknown>;
  const keys = Object.keys(first).filter((k) => first[k] !== undefined);
  const names = keys.map((k) => {
    const col = byKey[k];
    if (!col) throw new Error(`jsonInsert: ${k} is no column`);
    return col.name;
  });
  const json = rowsIn.map((r) => {
    const row = r as Record<string, unknown>;
    if (Object.keys(row).filter((k) => row[k] !== undefined).length !== keys.length) throw new Error('jsonInsert: rows give different columns');
    const out: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      const v = row[k];
      if (is(v, SQL)) throw new Error(`jsonInsert: ${k} is SQL`);
      out[names[i]] = v;
    });
    return out;
  });
  const cols = sql.raw(names.map((n) => `"${n}"`).join(', '));
  const searchCol = opts.search ? sql`, search_vector` : sql``;
  const searchVal = opts.search ? sql`, ${opts.search}` : sql``;
  return sql`insert into ${table} (${cols}${searchCol}) select ${cols}${searchVal} from json_populate_recordset(null::${table}, ${JSON.stringify(json)}::json)${opts.onConflict ?? sql``}`;
}

/**
 * The ticket, its `created` event, the audit row, the domain event and the SLA checks in ONE statement
 * (data-modifying CTEs): they were five round trips. The id is made here so that the history rows need
 * nothing back from the ticket's INSERT, and the row written is the row returned.
 */
async function writeTicket(q: Queryable, ctx: Ctx, input: CreateTicket, w: Written): Promise<{ ticket: Ticket; row: TicketRow }> {
  const id = randomUUID();
  const { createdAt, sla } = w;
  const clock = sla ? slaClock.startClock(sla.rules, sla.policy, createdAt) : slaClock.emptyClock;
  const year = DateTime.fromJSDate(createdAt, { zone: ctx.timeZone }).year;
  const number = `T-${year}-${String(w.seq).padStart(6, '0')}`;
  const text = ticketOwnText({ number, subject: input.subject, description: input.description }, { name: w.customerName, identities: w.identities });
  const row = {
    tenantId: ctx.tenantId,
    id,
    seq: w.seq,
    number,
    subject: input.subject,
    description: input.description ?? '',
    type: input.type,
    priority: input.priority,
    status: 'new',
    channel: input.channel,
    category: input.category ?? null,
    faultCode: input.faultCode ?? null,
    customerId: w.customerId,
    assigneeId: w.assigneeId,
    teamId: input.teamId ?? null,
    tags: [...new Set(input.tags)],
    customFields: input.customFields,
    externalId: w.externalId,
    slaPolicyId: sla?.policy.id ?? null,
    slaCalendarId: sla?.policy.calendarId ?? null,
    ...clockColumns(clock),
    closedAt: null,
    slaBreaches: [],
    reopenCount: 0,
    escalationLevel: 0,
    escalatedFromTeamId: null,
    mergedIntoId: null,
    version: 1,
    createdAt,
    updatedAt: createdAt,
  } satisfies TicketRow;
  const policyName = sla?.policy.name ?? null;
  const ticket = toTicket(row, w.customerName, policyName);
  const change = changeRows(ctx, { action: 'created', entityType: 'ticket', entityId: id, after: ticket });
  const jobs = sla && w.live ? jobRows(slaCheckJobs(ctx.tenantId, id, clock, sla.policy.warnAtPercent, createdAt)) : [];
  const history = [
    jsonInsert(ticketEvents, [{ tenantId: ctx.tenantId, ticketId: id, type: 'created', actorUserId: ctx.actor.userId, actorName: ctx.actor.name, data: { channel: input.channel, status: row.status, sla: policyName }, at: createdAt }]),
    jsonInsert(auditLog, [change.audit]),
    jsonInsert(outboxEvents, [change.event]),
    ...(jobs.length ? [jsonInsert(jobsTable, jobs, { onConflict: sql` on conflict (tenant_id, dedupe_key) do nothing` })] : []),
  ];
  const ctes = sql.join(
    history.map((h, i) => sql`${sql.raw(`w${i}`)} as (${h})`),
    sql`, `,
  );
  await named(q, sql`with ${ctes} ${jsonInsert(tickets, [row], { search: ownVector(text) })}`);
  return { ticket, row };
}
