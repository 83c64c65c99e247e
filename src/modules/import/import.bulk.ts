import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { rows, type Tx } from '../../platform/db/db.ts';
import { counters } from '../../platform/tenancy/tenancy.schema.ts';
import { searchParts, searchVectorOf } from '../../platform/search/search.ts';
import { customerIdentities, customers, identitiesOf } from '../customers/index.ts';
import { isSearchedKind, messagesParts, messagesVectorOf, ticketOwnText, slaCheckJobs, ticketEvents, ticketMessages, tickets, type ContactInput } from '../tickets/index.ts';
import { enqueueMany, type EnqueueInput } from '../../platform/jobs/index.ts';
import type { ImportTicketLine } from './import.contract.ts';
import type { Replayed, SlaRules } from './import.replay.ts';

/**
 * The fast path of the import: a whole chunk of tickets, their messages and events are written with one
 * INSERT … SELECT FROM unnest(arrays) per table. A statement has a fixed handful of parameters whatever
 * the row count (a multi-row VALUES list would need ~30 per ticket and hits the 65,535-parameter cap),
 * and PostgreSQL parses and plans it once per chunk. Both drivers (pg, PGlite) send JS arrays as arrays.
 */
const p = (v: unknown[]) => sql.param(v);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface CustomerRef {
  id: string;
  name: string;
  identities: string[];
  tier: string;
}

/** Customers of a chunk in three statements, with the rules of customers.resolveCustomer (match any identity). */
export async function resolveCustomersBulk(tx: Tx, tenantId: string, contacts: (ContactInput | undefined)[]): Promise<(CustomerRef | null)[]> {
  const idsPerLine = contacts.map((c) => (c ? identitiesOf(c) : []));
  const keys = new Map<string, { kind: string; value: string }>();
  for (const ids of idsPerLine) for (const i of ids) keys.set(`${i.kind}:${i.value}`, i);
  if (keys.size === 0) return contacts.map(() => null);
  const all = [...keys.values()];
  const found = await rows<{ kind: string; value: string; customer_id: string; name: string; tier: string }>(
    tx,
    sql`select ci.kind, ci.value, ci.customer_id, c.name, c.tier from ${customerIdentities} ci join ${customers} c on c.tenant_id = ci.tenant_id and c.id = ci.customer_id
        where ci.tenant_id = ${tenantId} and (ci.kind, ci.value) in (select * from unnest(${p(all.map((i) => i.kind))}::text[], ${p(all.map((i) => i.value))}::text[]))`,
  );
  const byKey = new Map<string, CustomerRef>();
  for (const f of found) byKey.set(`${f.kind}:${f.value}`, { id: f.customer_id, name: f.name, tier: f.tier, identities: [] });
  const newCustomers: CustomerRef[] = [];
  const newIdentities: { kind: string; value: string; customerId: string }[] = [];
  const out = idsPerLine.map((ids, n) => {
    if (ids.length === 0) return null;
    let ref = ids.map((i) => byKey.get(`${i.kind}:${i.value}`)).find((x) => x);
    if (!ref) {
      const name = contacts[n]?.name?.trim() || ids[0].value;
      ref = { id: randomUUID(), name: name.slice(0, 200), tier: 'regular', identities: [] };
      newCustomers.push(ref);
    }
    for (const i of ids) {
      const key = `${i.kind}:${i.value}`;
      if (!byKey.has(key)) {
        byKey.set(key, ref);
        newIdentities.push({ kind: i.kind, value: i.value, customerId: ref.id });
      }
    }
    return { ...ref, identities: ids.map((i) => i.value) };
  });
  if (newCustomers.length) {
    // with the name's search vector (weight A, as customers.service writes it) so lookups by name find them
    const parts = newCustomers.map((c) => searchParts(c.name));
    await tx.execute(sql`insert into ${customers} (tenant_id, id, name, source, search_vector)
      select ${tenantId}, u.id, u.name, 'import', ${searchVectorOf(sql.raw('u.l'), sql.raw('u.c'), 'A')}
      from unnest(${p(newCustomers.map((c) => c.id))}::uuid[], ${p(newCustomers.map((c) => c.name))}::text[], ${p(parts.map((x) => x.latin))}::text[], ${p(parts.map((x) => x.cjk))}::text[]) as u(id, name, l, c)`);
  }
  if (newIdentities.length) {
    await tx.execute(sql`insert into ${customerIdentities} (tenant_id, kind, value, customer_id)
      select ${tenantId}, u.kind, u.value, u.cid from unnest(${p(newIdentities.map((i) => i.kind))}::text[], ${p(newIdentities.map((i) => i.value))}::text[], ${p(newIdentities.map((i) => i.customerId))}::uuid[]) as u(kind, value, cid)
      on conflict do nothing`);
  }
  return out;
}

/** Reserves `n` ticket numbers with one counter update; returns the first. */
export async function reserveNumbers(tx: Tx, tenantId: string, n: number): Promise<number> {
  const [r] = await tx
    .insert(counters)
    .values({ tenantId, name: 'ticket', value: n })
    .onConflictDoUpdate({ target: [counters.tenantId, counters.name], set: { value: sql`${counters.value} + ${n}` } })
    .returning({ value: counters.value });
  return Number(r.value) - n + 1;
}

export async function existingExternalIds(tx: Tx, tenantId: string, externalIds: string[]): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rs = await rows<{ external_id: string }>(tx, sql`select external_id from ${tickets} where tenant_id = ${tenantId} and external_id = any(${p(externalIds)}::text[])`);
  return new Set(rs.map((r) => r.external_id));
}

export interface PreparedTicket {
  line: ImportTicketLine;
  replayed: Replayed;
  customer: CustomerRef | null;
  sla: SlaRules | null;
  teamId: string | null;
  assigneeId: string | null;
  /** agent e-mail (lower case) → user id, for message authors */
  userIdOf: (email: string | undefined) => string | null;
}

const vector = (latin: string, cjk: string, weight: 'A' | 'B') => searchVectorOf(sql.raw(latin), sql.raw(cjk), weight);
const split = searchParts;

/** Inserts the chunk; returns how many tickets were new (a concurrent import of the same externalId loses quietly). */
export async function insertChunk(tx: Tx, tenantId: string, timeZone: string, items: PreparedTicket[]): Promise<number> {
  if (items.length === 0) return 0;
  const first = await reserveNumbers(tx, tenantId, items.length);
  const t = {
    id: [] as string[], seq: [] as number[], number: [] as string[], subject: [] as string[], description: [] as string[], type: [] as string[], priority: [] as string[],
    status: [] as string[], channel: [] as string[], customerId: [] as (string | null)[], assigneeId: [] as (string | null)[], teamId: [] as (string | null)[], tags: [] as string[],
    externalId: [] as string[], policyId: [] as (string | null)[], calendarId: [] as (string | null)[], frDue: [] as (string | null)[], frAt: [] as (string | null)[],
    nrDue: [] as (string | null)[], resDue: [] as (string | null)[], resolvedAt: [] as (string | null)[], closedAt: [] as (string | null)[], pausedAt: [] as (string | null)[],
    dueAt: [] as (string | null)[], breaches: [] as string[], reopens: [] as number[], tl: [] as string[], tc: [] as string[], bl: [] as string[], bc: [] as string[],
    ml: [] as string[], mc: [] as string[],
    createdAt: [] as string[], updatedAt: [] as string[],
  };
  items.forEach((it, n) => {
    const r = it.replayed;
    const seq = first + n;
    const number = `T-${DateTime.fromJSDate(r.createdAt, { zone: timeZone }).year}-${String(seq).padStart(6, '0')}`;
    const own = ticketOwnText({ number, subject: it.line.subject, description: it.line.description }, { name: it.customer?.name, identities: it.customer?.identities });
    const title = split(own.title);
    const body = split(own.body);
    const said = messagesParts(it.replayed.messages.filter((msg) => isSearchedKind(msg.kind)).map((msg) => msg.body));
    t.id.push(randomUUID()); t.seq.push(seq); t.number.push(number); t.subject.push(it.line.subject); t.description.push(it.line.description);
    t.type.push(it.line.type); t.priority.push(it.line.priority); t.status.push(r.status); t.channel.push(it.line.channel);
    t.customerId.push(it.customer?.id ?? null); t.assigneeId.push(it.assigneeId); t.teamId.push(it.teamId); t.tags.push(JSON.stringify([...new Set(it.line.tags)]));
    t.externalId.push(it.line.externalId); t.policyId.push(it.sla?.policy.id ?? null); t.calendarId.push(it.sla?.policy.calendarId ?? null);
    t.frDue.push(iso(r.clock.firstResponseDueAt)); t.frAt.push(iso(r.clock.firstRespondedAt)); t.nrDue.push(iso(r.clock.nextResponseDueAt));
    t.resDue.push(iso(r.clock.resolutionDueAt)); t.resolvedAt.push(iso(r.clock.resolvedAt)); t.closedAt.push(iso(r.closedAt)); t.pausedAt.push(iso(r.clock.pausedAt));
    t.dueAt.push(iso(r.slaDueAt)); t.breaches.push(JSON.stringify(r.slaBreaches)); t.reopens.push(r.reopenCount);
    t.tl.push(title.latin); t.tc.push(title.cjk); t.bl.push(body.latin); t.bc.push(body.cjk); t.ml.push(said.latin); t.mc.push(said.cjk); t.createdAt.push(r.createdAt.toISOString()); t.updatedAt.push(r.updatedAt.toISOString());
  });
  const txt = (a: unknown[]) => sql`${p(a)}::text[]`;
  const uid = (a: unknown[]) => sql`${p(a)}::uuid[]`;
  const tsz = (a: unknown[]) => sql`${p(a)}::timestamptz[]`;
  const inserted = await rows<{ id: string }>(
    tx,
    sql`insert into ${tickets} (tenant_id, id, seq, number, subject, description, type, priority, status, channel, customer_id, assignee_id, team_id, tags, external_id,
          sla_policy_id, sla_calendar_id, first_response_due_at, first_responded_at, next_response_due_at, resolution_due_at, resolved_at, closed_at, sla_paused_at, sla_due_at,
          sla_breaches, reopen_count, search_vector, created_at, updated_at)
        select ${tenantId}, u.id, u.seq, u.number, u.subject, u.description, u.type, u.priority, u.status, u.channel, u.customer_id, u.assignee_id, u.team_id,
          array(select jsonb_array_elements_text(u.tags::jsonb)), u.external_id, u.policy_id, u.calendar_id, u.fr_due, u.fr_at, u.nr_due, u.res_due, u.resolved_at, u.closed_at,
          u.paused_at, u.due_at, array(select jsonb_array_elements_text(u.breaches::jsonb)), u.reopens,
          ${vector('u.tl', 'u.tc', 'A')} || ${vector('u.bl', 'u.bc', 'B')} || ${messagesVectorOf(sql.raw('u.ml'), sql.raw('u.mc'))}, u.created_at, u.updated_at
        from unnest(${uid(t.id)}, ${p(t.seq)}::bigint[], ${txt(t.number)}, ${txt(t.subject)}, ${txt(t.description)}, ${txt(t.type)}, ${txt(t.priority)}, ${txt(t.status)}, ${txt(t.channel)},
          ${uid(t.customerId)}, ${uid(t.assigneeId)}, ${uid(t.teamId)}, ${txt(t.tags)}, ${txt(t.externalId)}, ${uid(t.policyId)}, ${uid(t.calendarId)}, ${tsz(t.frDue)}, ${tsz(t.frAt)},
          ${tsz(t.nrDue)}, ${tsz(t.resDue)}, ${tsz(t.resolvedAt)}, ${tsz(t.closedAt)}, ${tsz(t.pausedAt)}, ${tsz(t.dueAt)}, ${txt(t.breaches)}, ${p(t.reopens)}::int[],
          ${txt(t.tl)}, ${txt(t.tc)}, ${txt(t.bl)}, ${txt(t.bc)}, ${txt(t.ml)}, ${txt(t.mc)}, ${tsz(t.createdAt)}, ${tsz(t.updatedAt)})
          as u(id, seq, number, subject, description, type, priority, status, channel, customer_id, assignee_id, team_id, tags, external_id, policy_id, calendar_id, fr_due, fr_at,
               nr_due, res_due, resolved_at, closed_at, paused_at, due_at, breaches, reopens, tl, tc, bl, bc, ml, mc, created_at, updated_at)
        on conflict (tenant_id, external_id) do nothing
        returning id`,
  );
  const kept = new Set(inserted.map((r) => r.id));
  const m = { id: [] as string[], ticket: [] as string[], kind: [] as string[], authorType: [] as string[], authorUser: [] as (string | null)[], authorName: [] as string[], body: [] as string[], at: [] as string[] };
  const e = { ticket: [] as string[], type: [] as string[], actor: [] as string[], data: [] as string[], at: [] as string[] };
  items.forEach((it, n) => {
    const ticketId = t.id[n];
    if (!kept.has(ticketId)) return;
    for (const msg of it.replayed.messages) {
      m.id.push(msg.id); m.ticket.push(ticketId); m.kind.push(msg.kind); m.authorType.push(msg.authorType);
      m.authorUser.push(msg.authorType === 'agent' ? it.userIdOf(msg.authorEmail) : null); m.authorName.push(msg.authorName); m.body.push(msg.body);
      m.at.push(msg.at.toISOString());
    }
    for (const ev of it.replayed.events) {
      e.ticket.push(ticketId); e.type.push(ev.type); e.actor.push(ev.actorName); e.data.push(JSON.stringify(ev.data)); e.at.push(ev.at.toISOString());
    }
  });
  if (m.id.length) {
    await tx.execute(sql`insert into ${ticketMessages} (tenant_id, id, ticket_id, kind, author_type, author_user_id, author_name, body, created_at)
      select ${tenantId}, u.id, u.ticket_id, u.kind, u.author_type, u.author_user_id, u.author_name, u.body, u.at
      from unnest(${uid(m.id)}, ${uid(m.ticket)}, ${txt(m.kind)}, ${txt(m.authorType)}, ${uid(m.authorUser)}, ${txt(m.authorName)}, ${txt(m.body)}, ${tsz(m.at)})
        as u(id, ticket_id, kind, author_type, author_user_id, author_name, body, at)`);
  }
  if (e.ticket.length) {
    // ordered by time so event ids (bigserial) follow the history, as the ticket page lists events by id
    await tx.execute(sql`insert into ${ticketEvents} (tenant_id, ticket_id, type, actor_name, data, at)
      select ${tenantId}, u.ticket_id, u.type, u.actor, u.data::jsonb, u.at
      from unnest(${uid(e.ticket)}, ${txt(e.type)}, ${txt(e.actor)}, ${txt(e.data)}, ${tsz(e.at)}) with ordinality as u(ticket_id, type, actor, data, at, ord)
      order by u.ticket_id, u.at, u.ord`);
  }
  // Tickets still open with targets ahead get the same warning/breach checks as live ones; targets whose
  // time had passed were decided by the history replay (slaBreaches above) and get no job.
  const now = new Date();
  const checks: EnqueueInput[] = [];
  items.forEach((it, n) => {
    if (!kept.has(t.id[n]) || !it.sla) return;
    checks.push(...slaCheckJobs(tenantId, t.id[n], it.replayed.clock, it.sla.policy.warnAtPercent, it.replayed.createdAt, now));
  });
  if (checks.length) await enqueueMany(tx, checks);
  return kept.size;
}
