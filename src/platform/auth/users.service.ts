import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../tenancy/ctx.ts';
import { recordChange } from '../outbox/outbox.ts';
import { checkVersion } from '../db/concurrency.ts';
import { AppError, fieldError, notFound } from '../http/errors.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { users, sessions } from './auth.schema.ts';
import { generatePassword, hashPassword } from './password.ts';
import { forgetPrincipals } from './principal.ts';
import type { CreateUser, UpdateUser, User, UserListQuery } from './users.contract.ts';
import type { Role } from './roles.contract.ts';
import type { Locale } from '../i18n/i18n.contract.ts';

type UserRow = typeof users.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    phone: r.phone,
    roles: r.roles as Role[],
    locale: (r.locale as Locale | null) ?? null,
    active: r.active,
    mustChangePassword: r.mustChangePassword,
    lockedUntil: r.lockedUntil && r.lockedUntil > new Date() ? r.lockedUntil.toISOString() : null,
    lastLoginAt: iso(r.lastLoginAt),
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function listUsers(ctx: Ctx, q: UserListQuery) {
  const conds: SQL[] = [eq(users.tenantId, ctx.tenantId)];
  const after = decodeCursor(q.cursor, ['string', 'string']);
  if (after) conds.push(sql`(${users.createdAt}, ${users.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(or(ilike(users.name, like), ilike(users.email, like)) as SQL);
  }
  if (q.role) conds.push(sql`${q.role} = any(${users.roles})`);
  if (q.active) conds.push(eq(users.active, q.active === 'true'));
  const rowsPlusOne = await ctx.db
    .select()
    .from(users)
    .where(and(...conds))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(q.limit + 1);
  const p = toPage(rowsPlusOne, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: p.items.map(toUser), nextCursor: p.nextCursor };
}

export async function getUser(ctx: Ctx, id: string): Promise<User> {
  const [row] = await ctx.db.select().from(users).where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, id)));
  if (!row) throw notFound();
  return toUser(row);
}

async function emailTaken(ctx: Ctx, email: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, ctx.tenantId), sql`lower(${users.email}) = lower(${email})`));
  return !!row;
}

export async function createUser(ctx: Ctx, input: CreateUser): Promise<{ user: User; temporaryPassword: string | null }> {
  if (await emailTaken(ctx, input.email)) throw fieldError('email', 'email_taken', 409);
  const temporaryPassword = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password ?? (temporaryPassword as string));
  return ctx.tx(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        tenantId: ctx.tenantId,
        email: input.email,
        name: input.name,
        phone: input.phone ?? null,
        roles: [...new Set(input.roles)],
        locale: input.locale ?? null,
        passwordHash,
        mustChangePassword: !input.password,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw fieldError('email', 'email_taken', 409);
    const user = toUser(row);
    await recordChange(tx, ctx, { action: 'created', entityType: 'user', entityId: row.id, after: user });
    return { user, temporaryPassword };
  });
}

export async function updateUser(ctx: Ctx, id: string, input: UpdateUser): Promise<User> {
  if (id === ctx.actor.userId) {
    if (input.active === false) throw new AppError(422, 'cannot_deactivate_self');
    if (input.roles && !input.roles.includes('admin') && ctx.actor.roles.includes('admin')) throw new AppError(422, 'cannot_remove_own_admin');
  }
  const updated = await ctx.tx(async (tx) => {
    const [current] = await tx
      .select()
      .from(users)
      .where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, id)))
      .for('update');
    checkVersion(current, input.version, 'user');
    const { version: _version, ...patch } = input;
    const [row] = await tx
      .update(users)
      .set({
        ...patch,
        ...(patch.roles ? { roles: [...new Set(patch.roles)] } : {}),
        version: sql`${users.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, id)))
      .returning();
    if (input.active === false) await tx.delete(sessions).where(and(eq(sessions.tenantId, ctx.tenantId), eq(sessions.userId, id)));
    const before = toUser(current);
    const after = toUser(row);
    await recordChange(tx, ctx, { action: input.active === false ? 'deactivated' : 'updated', entityType: 'user', entityId: id, before, after });
    return after;
  });
  forgetPrincipals(ctx.tenantId); // roles, name, language or deactivation: in effect from the next request
  return updated;
}

/** Sets a new password (given, or generated and returned once), signs the user out everywhere, clears a lock-out. */
export async function resetPassword(ctx: Ctx, id: string, password: string | undefined): Promise<{ temporaryPassword: string | null }> {
  const temporaryPassword = password ? null : generatePassword();
  const passwordHash = await hashPassword(password ?? (temporaryPassword as string));
  const out = await ctx.tx(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true, failedLogins: 0, lockedUntil: null, version: sql`${users.version} + 1`, updatedAt: new Date() })
      .where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, id)))
      .returning();
    if (!row) throw notFound();
    await tx.delete(sessions).where(and(eq(sessions.tenantId, ctx.tenantId), eq(sessions.userId, id)));
    await recordChange(tx, ctx, { action: 'password_reset', entityType: 'user', entityId: id, after: toUser(row) });
    return { temporaryPassword };
  });
  forgetPrincipals(ctx.tenantId); // the user's sessions are gone
  return out;
}

/** The ids among `ids` that are users of this tenant. */
export async function existingUserIds(ctx: Ctx, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, ctx.tenantId), inArray(users.id, ids)));
  return found.map((r) => r.id);
}
