import { and, eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { isoUtc, jsonObject } from '../../platform/db/json-sql.ts';
import { customers } from '../customers/index.ts';
import { breachedTargetsJson, slaPolicies } from '../sla/index.ts';
import { tickets } from './tickets.schema.ts';

/**
 * A ticket as JSON text, written by PostgreSQL with the keys of `Ticket` (tickets.contract.ts) in its order,
 * then `extra` fields (the ticket page's conversation and history) — what toTicket (tickets.service.ts)
 * builds in Node for a ticket just written. Building 51 list rows of ~30 columns as objects in Node
 * (driver dates, drizzle's row mapping, ISO strings, JSON.stringify) was ~2 ms of the server's only core
 * per queue page. ticket-read.test.ts and ticket-list.test.ts hold the two forms equal.
 * Selected from `tickets` with ticketJoins(); `now` decides which SLA targets count as breached.
 */
export function ticketJson(now: SQLWrapper, extra: [string, SQLWrapper][] = []): SQL<string> {
  const t = tickets;
  const sla = jsonObject([
    ['policyId', t.slaPolicyId],
    ['policyName', slaPolicies.name],
    ['calendarId', t.slaCalendarId],
    ['firstResponseDueAt', isoUtc(t.firstResponseDueAt)],
    ['firstRespondedAt', isoUtc(t.firstRespondedAt)],
    ['nextResponseDueAt', isoUtc(t.nextResponseDueAt)],
    ['resolutionDueAt', isoUtc(t.resolutionDueAt)],
    ['resolvedAt', isoUtc(t.resolvedAt)],
    ['pausedAt', isoUtc(t.slaPausedAt)],
    ['dueAt', isoUtc(t.slaDueAt)],
    ['breached', breachedTargetsJson({ firstResponseDueAt: t.firstResponseDueAt, firstRespondedAt: t.firstRespondedAt, nextResponseDueAt: t.nextResponseDueAt, resolutionDueAt: t.resolutionDueAt, resolvedAt: t.resolvedAt, pausedAt: t.slaPausedAt }, now)],
  ]);
  return sql<string>`${jsonObject([
    ['id', t.id],
    ['number', t.number],
    ['subject', t.subject],
    ['description', t.description],
    ['type', t.type],
    ['priority', t.priority],
    ['status', t.status],
    ['channel', t.channel],
    ['category', t.category],
    ['faultCode', t.faultCode],
    ['customerId', t.customerId],
    ['customerName', customers.name],
    ['assigneeId', t.assigneeId],
    ['teamId', t.teamId],
    ['tags', t.tags],
    ['customFields', t.customFields],
    ['externalId', t.externalId],
    ['sla', sla],
    ['version', t.version],
    ['createdAt', isoUtc(t.createdAt)],
    ['updatedAt', isoUtc(t.updatedAt)],
    ...extra,
  ])}::text`;
}

// Built on first use, not at load: the customers and sla modules import this one back (through tiers and
// the import), so at load time their tables may not be defined yet. The joins stay within the ticket's tenant.
let joins: { customer: SQL; policy: SQL } | undefined;
export function ticketJoins() {
  joins ??= {
    customer: and(eq(customers.tenantId, tickets.tenantId), eq(customers.id, tickets.customerId)) as SQL,
    policy: and(eq(slaPolicies.tenantId, tickets.tenantId), eq(slaPolicies.id, tickets.slaPolicyId)) as SQL,
  };
  return joins;
}

