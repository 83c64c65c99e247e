import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { AppError, fieldError, notFound } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { teamMembers, teams } from '../../platform/teams/teams.schema.ts';
import { serviceStandardFor } from '../customers/index.ts';
import { tickets } from './tickets.schema.ts';
import { agentSkills, teamRouting } from './routing.schema.ts';
import { openStatuses } from './tickets.contract.ts';
import type { AgentSkill, RoutingMode, TeamRouting } from './routing.contract.ts';

type TicketRow = Omit<typeof tickets.$inferSelect, 'searchVector'>;

/** For the API: 404 unless the team is this tenant's. */
export async function getTeamRouting(ctx: Ctx, teamId: string): Promise<TeamRouting> {
  await assertTeam(ctx.db, ctx.tenantId, teamId, 'id');
  return getRouting(ctx.db, ctx.tenantId, teamId);
}

export async function getRouting(q: Queryable, tenantId: string, teamId: string): Promise<TeamRouting> {
  const [r] = await q.select().from(teamRouting).where(and(eq(teamRouting.tenantId, tenantId), eq(teamRouting.teamId, teamId)));
  return r
    ? { teamId, mode: r.mode as RoutingMode, escalationTeamId: r.escalationTeamId, escalateOnBreach: r.escalateOnBreach, version: r.version }
    : { teamId, mode: 'manual', escalationTeamId: null, escalateOnBreach: false, version: 0 };
}

async function assertTeam(q: Queryable, tenantId: string, teamId: string, path = 'teamId') {
  const [t] = await q.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.id, teamId)));
  if (!t) throw path === 'id' ? notFound() : fieldError(path, 'not_found', 422);
}

export async function updateRouting(ctx: Ctx, teamId: string, input: { version: number; mode?: RoutingMode; escalationTeamId?: string | null; escalateOnBreach?: boolean }): Promise<TeamRouting> {
  return ctx.tx(async (tx) => {
    await assertTeam(tx, ctx.tenantId, teamId, 'id');
    if (input.escalationTeamId) await assertTeam(tx, ctx.tenantId, input.escalationTeamId, 'escalationTeamId');
    const before = await getRouting(tx, ctx.tenantId, teamId);
    if (before.version !== input.version) checkVersion(before, input.version, 'routing');
    const { version: _v, ...patch } = input;
    await tx
      .insert(teamRouting)
      .values({ tenantId: ctx.tenantId, teamId, ...patch })
      .onConflictDoUpdate({ target: [teamRouting.tenantId, teamRouting.teamId], set: { ...patch, version: sql`${teamRouting.version} + 1`, updatedAt: new Date() } });
    const after = await getRouting(tx, ctx.tenantId, teamId);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'team_routing', entityId: teamId, before, after });
    return after;
  });
}

export async function getUserSkills(ctx: Ctx, userId: string): Promise<AgentSkill[]> {
  const [u] = await ctx.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, userId)));
  if (!u) throw notFound();
  return getSkills(ctx.db, ctx.tenantId, userId);
}

export async function getSkills(q: Queryable, tenantId: string, userId: string): Promise<AgentSkill[]> {
  const rs = await q.select().from(agentSkills).where(and(eq(agentSkills.tenantId, tenantId), eq(agentSkills.userId, userId))).orderBy(asc(agentSkills.kind), asc(agentSkills.value));
  return rs.map((r) => ({ kind: r.kind as AgentSkill['kind'], value: r.value }));
}

export async function setSkills(ctx: Ctx, userId: string, skills: AgentSkill[]): Promise<AgentSkill[]> {
  return ctx.tx(async (tx) => {
    const [u] = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, userId)));
    if (!u) throw notFound();
    const before = await getSkills(tx, ctx.tenantId, userId);
    await tx.delete(agentSkills).where(and(eq(agentSkills.tenantId, ctx.tenantId), eq(agentSkills.userId, userId)));
    const unique = new Map(skills.map((s) => [`${s.kind}:${s.value.toLowerCase()}`, { ...s, value: s.value.toLowerCase() }]));
    if (unique.size) await tx.insert(agentSkills).values([...unique.values()].map((s) => ({ tenantId: ctx.tenantId, userId, ...s })));
    const after = await getSkills(tx, ctx.tenantId, userId);
    await recordChange(tx, ctx, { action: 'skills_updated', entityType: 'user', entityId: userId, before, after });
    return after;
  });
}

/** What a ticket asks of its agent: its tags as skills, and region / product line / language from custom fields. */
export function needsOf(r: Pick<TicketRow, 'tags' | 'customFields' | 'category'>): AgentSkill[] {
  const cf = (r.customFields ?? {}) as Record<string, unknown>;
  const out: AgentSkill[] = r.tags.map((t) => ({ kind: 'skill' as const, value: t.toLowerCase() }));
  if (r.category) out.push({ kind: 'skill', value: r.category.toLowerCase() });
  for (const [kind, key] of [['region', 'region'], ['product_line', 'productLine'], ['language', 'language']] as const) {
    if (typeof cf[key] === 'string' && cf[key]) out.push({ kind, value: (cf[key] as string).toLowerCase() });
  }
  return out;
}

/** Active members of a team with their open-ticket load. */
async function candidates(tx: Tx, tenantId: string, teamId: string) {
  const members = await tx
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .innerJoin(users, and(eq(users.tenantId, teamMembers.tenantId), eq(users.id, teamMembers.userId), eq(users.active, true)))
    .where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.teamId, teamId)))
    .orderBy(asc(teamMembers.userId));
  const ids = members.map((m) => m.userId);
  if (!ids.length) return [];
  const loads = await tx
    .select({ userId: tickets.assigneeId, n: count() })
    .from(tickets)
    .where(and(eq(tickets.tenantId, tenantId), inArray(tickets.assigneeId, ids), inArray(tickets.status, [...openStatuses])))
    .groupBy(tickets.assigneeId);
  return ids.map((id) => ({ userId: id, load: Number(loads.find((l) => l.userId === id)?.n ?? 0) }));
}

/**
 * The agent a new or re-routed ticket goes to, by the customer's tier (service standard): the customer's
 * dedicated agent when the tier grants one and the agent is active; a tier with routing priority > 0 is
 * never left unassigned and goes to the team member with the fewest open tickets; otherwise the team's
 * rule: round robin, least loaded, or best skill match (ties by load). null = stays unassigned.
 */
export async function pickAssignee(tx: Tx, tenantId: string, r: Pick<TicketRow, 'teamId' | 'customerId' | 'tags' | 'customFields' | 'category'>): Promise<string | null> {
  const standard = r.customerId ? await serviceStandardFor(tx, tenantId, r.customerId) : null;
  if (standard?.dedicatedAgentId) {
    const [u] = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, standard.dedicatedAgentId), eq(users.active, true)));
    if (u) return u.id;
  }
  if (!r.teamId) return null;
  const routing = await getRouting(tx, tenantId, r.teamId);
  const prioritised = (standard?.routingPriority ?? 0) > 0;
  if (routing.mode === 'manual' && !prioritised) return null;
  const people = await candidates(tx, tenantId, r.teamId);
  if (!people.length) return null;
  let chosen: string;
  if (prioritised && routing.mode !== 'skills') {
    chosen = [...people].sort((a, b) => a.load - b.load || a.userId.localeCompare(b.userId))[0].userId;
  } else if (routing.mode === 'round_robin') {
    // lock the routing row so two tickets created at once do not both go to the same agent
    const [row] = await tx.select().from(teamRouting).where(and(eq(teamRouting.tenantId, tenantId), eq(teamRouting.teamId, r.teamId))).for('update');
    const i = people.findIndex((p) => p.userId === row?.lastAssignedUserId);
    chosen = people[(i + 1) % people.length].userId;
    await tx.update(teamRouting).set({ lastAssignedUserId: chosen }).where(and(eq(teamRouting.tenantId, tenantId), eq(teamRouting.teamId, r.teamId)));
  } else if (routing.mode === 'least_loaded') {
    chosen = [...people].sort((a, b) => a.load - b.load || a.userId.localeCompare(b.userId))[0].userId;
  } else {
    const needs = needsOf(r);
    const skills = await tx.select().from(agentSkills).where(and(eq(agentSkills.tenantId, tenantId), inArray(agentSkills.userId, people.map((p) => p.userId))));
    const score = (userId: string) => needs.filter((n) => skills.some((s) => s.userId === userId && s.kind === n.kind && s.value === n.value)).length;
    chosen = [...people].sort((a, b) => score(b.userId) - score(a.userId) || a.load - b.load || a.userId.localeCompare(b.userId))[0].userId;
  }
  return chosen;
}

export async function escalationTarget(tx: Tx, tenantId: string, fromTeamId: string | null, toTeamId?: string): Promise<string> {
  if (toTeamId) {
    await assertTeam(tx, tenantId, toTeamId, 'toTeamId');
    return toTeamId;
  }
  const routing = fromTeamId ? await getRouting(tx, tenantId, fromTeamId) : null;
  if (!routing?.escalationTeamId) throw new AppError(422, 'no_escalation_team');
  return routing.escalationTeamId;
}
