import { and, asc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../tenancy/ctx.ts';
import type { Tx, Queryable } from '../db/db.ts';
import { checkVersion } from '../db/concurrency.ts';
import { AppError, fieldError, notFound } from '../http/errors.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { recordChange } from '../outbox/outbox.ts';
import { users } from '../auth/auth.schema.ts';
import { teamMembers, teams } from './teams.schema.ts';
import type { CreateTeam, Team, TeamListQuery, UpdateTeam } from './teams.contract.ts';

type TeamRow = typeof teams.$inferSelect;

/** Members of several teams in one query (no N+1 on the list page). */
async function membersOf(q: Queryable, tenantId: string, teamIds: string[]) {
  if (teamIds.length === 0) return new Map<string, Team['members']>();
  const rs = await q
    .select({ teamId: teamMembers.teamId, userId: teamMembers.userId, isLead: teamMembers.isLead, name: users.name, email: users.email })
    .from(teamMembers)
    .innerJoin(users, and(eq(users.tenantId, teamMembers.tenantId), eq(users.id, teamMembers.userId)))
    .where(and(eq(teamMembers.tenantId, tenantId), inArray(teamMembers.teamId, teamIds)))
    .orderBy(asc(users.name));
  const map = new Map<string, Team['members']>();
  for (const r of rs) {
    const list = map.get(r.teamId) ?? [];
    list.push({ userId: r.userId, name: r.name, email: r.email, isLead: r.isLead });
    map.set(r.teamId, list);
  }
  return map;
}

function toTeam(r: TeamRow, members: Team['members']): Team {
  return { id: r.id, name: r.name, description: r.description, members, version: r.version, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

async function loadTeam(q: Queryable, tenantId: string, id: string): Promise<Team | undefined> {
  const [row] = await q.select().from(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.id, id)));
  if (!row) return undefined;
  return toTeam(row, (await membersOf(q, tenantId, [id])).get(id) ?? []);
}

export async function listTeams(ctx: Ctx, q: TeamListQuery) {
  const conds: SQL[] = [eq(teams.tenantId, ctx.tenantId)];
  const after = decodeCursor(q.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${teams.name}, ${teams.id}) > (${after[0]}, ${after[1]}::uuid)`);
  if (q.q) conds.push(ilike(teams.name, `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  const rs = await ctx.db.select().from(teams).where(and(...conds)).orderBy(asc(teams.name), asc(teams.id)).limit(q.limit + 1);
  const p = toPage(rs, q.limit, (r) => [r.name, r.id]);
  const members = await membersOf(ctx.db, ctx.tenantId, p.items.map((r) => r.id));
  return { items: p.items.map((r) => toTeam(r, members.get(r.id) ?? [])), nextCursor: p.nextCursor };
}

export async function getTeam(ctx: Ctx, id: string): Promise<Team> {
  const team = await loadTeam(ctx.db, ctx.tenantId, id);
  if (!team) throw notFound();
  return team;
}

async function replaceMembers(tx: Tx, ctx: Ctx, teamId: string, members: { userId: string; isLead: boolean }[]) {
  const ids = [...new Set(members.map((m) => m.userId))];
  if (ids.length) {
    const found = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), inArray(users.id, ids)));
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw new AppError(422, 'unknown_users', { ids: missing.join(', ') }, { fieldErrors: [{ path: 'members', code: 'errors.unknown_users', params: { ids: missing.join(', ') } }] });
  }
  await tx.delete(teamMembers).where(and(eq(teamMembers.tenantId, ctx.tenantId), eq(teamMembers.teamId, teamId)));
  const unique = new Map(members.map((m) => [m.userId, m]));
  if (unique.size) await tx.insert(teamMembers).values([...unique.values()].map((m) => ({ tenantId: ctx.tenantId, teamId, userId: m.userId, isLead: m.isLead })));
}

async function nameTaken(q: Queryable, tenantId: string, name: string, exceptId?: string) {
  const [row] = await q.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.name, name)));
  return !!row && row.id !== exceptId;
}

export async function createTeam(ctx: Ctx, input: CreateTeam): Promise<Team> {
  return ctx.tx(async (tx) => {
    if (await nameTaken(tx, ctx.tenantId, input.name)) throw fieldError('name', 'team_name_taken', 409);
    const [row] = await tx.insert(teams).values({ tenantId: ctx.tenantId, name: input.name, description: input.description }).returning();
    await replaceMembers(tx, ctx, row.id, input.members);
    const team = (await loadTeam(tx, ctx.tenantId, row.id))!;
    await recordChange(tx, ctx, { action: 'created', entityType: 'team', entityId: row.id, after: team });
    return team;
  });
}

export async function updateTeam(ctx: Ctx, id: string, input: UpdateTeam): Promise<Team> {
  return ctx.tx(async (tx) => {
    const [locked] = await tx.select().from(teams).where(and(eq(teams.tenantId, ctx.tenantId), eq(teams.id, id))).for('update');
    checkVersion(locked, input.version, 'team');
    const before = (await loadTeam(tx, ctx.tenantId, id))!;
    if (input.name && (await nameTaken(tx, ctx.tenantId, input.name, id))) throw fieldError('name', 'team_name_taken', 409);
    await tx
      .update(teams)
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        version: sql`${teams.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(teams.tenantId, ctx.tenantId), eq(teams.id, id)));
    if (input.members) await replaceMembers(tx, ctx, id, input.members);
    const after = (await loadTeam(tx, ctx.tenantId, id))!;
    await recordChange(tx, ctx, { action: 'updated', entityType: 'team', entityId: id, before, after });
    return after;
  });
}

export async function deleteTeam(ctx: Ctx, id: string, version: number): Promise<void> {
  await ctx.tx(async (tx) => {
    const [locked] = await tx.select().from(teams).where(and(eq(teams.tenantId, ctx.tenantId), eq(teams.id, id))).for('update');
    checkVersion(locked, version, 'team');
    const before = (await loadTeam(tx, ctx.tenantId, id))!;
    await tx.delete(teamMembers).where(and(eq(teamMembers.tenantId, ctx.tenantId), eq(teamMembers.teamId, id)));
    await tx.delete(teams).where(and(eq(teams.tenantId, ctx.tenantId), eq(teams.id, id)));
    await recordChange(tx, ctx, { action: 'deleted', entityType: 'team', entityId: id, before });
  });
}
