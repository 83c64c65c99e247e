import { and, asc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { notFound } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { getCustomers } from '../customers/index.ts';
import { macros, savedViews } from './routing.schema.ts';
import { teamMembers } from '../../platform/teams/teams.schema.ts';
import { loadTicketRow } from './tickets.service.ts';
import { addMessageInTx } from './messages.service.ts';
import { updateTicketInTx } from './tickets.update.ts';
import type { CreateMacro, Macro, MacroActions, SavedView, UpdateMacro, CreateSavedView } from './macros.contract.ts';
import type { Ticket, TicketMessage } from './tickets.contract.ts';

type MacroRow = typeof macros.$inferSelect;
const toMacro = (r: MacroRow): Macro => ({ id: r.id, name: r.name, kind: r.kind as Macro['kind'], body: r.body, actions: r.actions as MacroActions, shared: r.shared, ownerId: r.ownerId, version: r.version });

/** Shared macros plus the agent's own. */
export async function listMacros(ctx: Ctx): Promise<Macro[]> {
  const mine = ctx.actor.userId ? eq(macros.ownerId, ctx.actor.userId) : sql`false`;
  const rs = await ctx.db.select().from(macros).where(and(eq(macros.tenantId, ctx.tenantId), or(eq(macros.shared, true), mine))).orderBy(asc(macros.name));
  return rs.map(toMacro);
}

export async function createMacro(ctx: Ctx, input: z.infer<typeof CreateMacro>): Promise<Macro> {
  return ctx.tx(async (tx) => {
    const [row] = await tx.insert(macros).values({ tenantId: ctx.tenantId, ...input, ownerId: ctx.actor.userId }).returning();
    await recordChange(tx, ctx, { action: 'created', entityType: 'macro', entityId: row.id, after: toMacro(row) });
    return toMacro(row);
  });
}

export async function updateMacro(ctx: Ctx, id: string, input: z.infer<typeof UpdateMacro>): Promise<Macro> {
  return ctx.tx(async (tx) => {
    const [current] = await tx.select().from(macros).where(and(eq(macros.tenantId, ctx.tenantId), eq(macros.id, id))).for('update');
    checkVersion(current, input.version, 'macro');
    const { version: _v, ...patch } = input;
    const [row] = await tx.update(macros).set({ ...patch, version: sql`${macros.version} + 1`, updatedAt: new Date() }).where(and(eq(macros.tenantId, ctx.tenantId), eq(macros.id, id))).returning();
    await recordChange(tx, ctx, { action: 'updated', entityType: 'macro', entityId: id, before: toMacro(current), after: toMacro(row) });
    return toMacro(row);
  });
}

export async function deleteMacro(ctx: Ctx, id: string): Promise<void> {
  await ctx.tx(async (tx) => {
    const [row] = await tx.delete(macros).where(and(eq(macros.tenantId, ctx.tenantId), eq(macros.id, id))).returning();
    if (!row) throw notFound();
    await recordChange(tx, ctx, { action: 'deleted', entityType: 'macro', entityId: id, before: toMacro(row) });
  });
}

/** Fills {{customer.name}}, {{ticket.number}}, {{ticket.subject}}, {{agent.name}}; unknown variables stay visible. */
export function renderMacro(body: string, vars: Record<string, string>): string {
  return body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** One transaction: the rendered reply (or note) and the field changes, or nothing. */
export async function applyMacro(ctx: Ctx, ticketId: string, input: { version: number; macroId: string }): Promise<{ ticket: Ticket; message: TicketMessage | null }> {
  return ctx.tx(async (tx) => {
    const [m] = await tx.select().from(macros).where(and(eq(macros.tenantId, ctx.tenantId), eq(macros.id, input.macroId)));
    if (!m || (!m.shared && m.ownerId !== ctx.actor.userId)) throw notFound();
    const row = await loadTicketRow(tx, ctx.tenantId, ticketId);
    if (!row) throw notFound();
    const [customer] = row.customerId ? await getCustomers(tx, ctx.tenantId, [row.customerId]) : [];
    const body = renderMacro(m.body, { 'customer.name': customer?.name ?? '', 'ticket.number': row.number, 'ticket.subject': row.subject, 'agent.name': ctx.actor.name });
    const a = m.actions as MacroActions;
    const tags = a.addTags?.length ? [...new Set([...row.tags, ...a.addTags])] : undefined;
    const ticket = await updateTicketInTx(tx, ctx, ticketId, { version: input.version, status: a.status, priority: a.priority, teamId: a.teamId, assigneeId: a.assigneeId, tags }, { allowSame: true });
    const message = body.trim() ? await addMessageInTx(tx, ctx, ticketId, { kind: m.kind as 'public' | 'note', body, authorType: 'agent' }) : null;
    return { ticket, message };
  });
}

export async function listViews(ctx: Ctx): Promise<z.infer<typeof SavedView>[]> {
  const myTeams = ctx.actor.userId
    ? (await ctx.db.select({ id: teamMembers.teamId }).from(teamMembers).where(and(eq(teamMembers.tenantId, ctx.tenantId), eq(teamMembers.userId, ctx.actor.userId)))).map((t) => t.id)
    : [];
  const rs = await ctx.db.select().from(savedViews).where(eq(savedViews.tenantId, ctx.tenantId)).orderBy(asc(savedViews.position), asc(savedViews.name));
  return rs
    .filter((v) => v.ownerId === ctx.actor.userId || (v.teamId && myTeams.includes(v.teamId)))
    .map((v) => ({ id: v.id, name: v.name, ownerId: v.ownerId, teamId: v.teamId, query: v.query as Record<string, string>, position: v.position }));
}

export async function createView(ctx: Ctx, input: z.infer<typeof CreateSavedView>) {
  if (!ctx.actor.userId) throw notFound();
  const owner = ctx.actor.userId;
  return ctx.tx(async (tx) => {
    const [v] = await tx.insert(savedViews).values({ tenantId: ctx.tenantId, ownerId: owner, ...input }).returning();
    await recordChange(tx, ctx, { action: 'created', entityType: 'saved_view', entityId: v.id, after: input });
    return { id: v.id, name: v.name, ownerId: v.ownerId, teamId: v.teamId, query: v.query as Record<string, string>, position: v.position };
  });
}

/** Only the owner deletes a view. */
export async function deleteView(ctx: Ctx, id: string): Promise<void> {
  await ctx.tx(async (tx) => {
    const [v] = await tx
      .delete(savedViews)
      .where(and(eq(savedViews.tenantId, ctx.tenantId), eq(savedViews.id, id), eq(savedViews.ownerId, ctx.actor.userId ?? '00000000-0000-0000-0000-000000000000')))
      .returning();
    if (!v) throw notFound();
    await recordChange(tx, ctx, { action: 'deleted', entityType: 'saved_view', entityId: id, before: { name: v.name } });
  });
}
