import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { makeCtx, type Ctx } from '../tenancy/ctx.ts';
import { AppError, fieldError } from '../http/errors.ts';
import { writeAudit } from '../audit/audit.ts';
import { findTenantBySlug } from '../tenancy/tenancy.service.ts';
import { loginThrottle, sessions, users } from './auth.schema.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import { forgetPrincipals, sha256 } from './principal.ts';
import type { LoginInput, UpdateMe } from './auth.contract.ts';
import type { Locale } from '../i18n/i18n.contract.ts';
import type { Role } from './roles.contract.ts';

/** Lock-out policy: per account and per source IP, within a sliding window. */
export const throttlePolicy = { accountFailures: 5, ipFailures: 30, windowMinutes: 15, lockMinutes: 15 };

const minutesLeft = (until: Date) => Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));

export interface LoginResult {
  cookieValue: string;
  csrfToken: string;
  userId: string;
  tenantId: string;
  expiresAt: Date;
}

async function ipLockedUntil(db: Db, tenantId: string, ip: string): Promise<Date | null> {
  const [row] = await db.select().from(loginThrottle).where(and(eq(loginThrottle.tenantId, tenantId), eq(loginThrottle.key, `ip:${ip}`)));
  return row?.lockedUntil && row.lockedUntil > new Date() ? row.lockedUntil : null;
}

async function countIpFailure(db: Db, tenantId: string, ip: string): Promise<void> {
  const p = throttlePolicy;
  await db
    .insert(loginThrottle)
    .values({ tenantId, key: `ip:${ip}`, failures: 1 })
    .onConflictDoUpdate({
      target: [loginThrottle.tenantId, loginThrottle.key],
      set: {
        failures: sql`case when ${loginThrottle.windowStart} < now() - make_interval(mins => ${p.windowMinutes}) then 1 else ${loginThrottle.failures} + 1 end`,
        windowStart: sql`case when ${loginThrottle.windowStart} < now() - make_interval(mins => ${p.windowMinutes}) then now() else ${loginThrottle.windowStart} end`,
        lockedUntil: sql`case when ${loginThrottle.failures} + 1 >= ${p.ipFailures} and ${loginThrottle.windowStart} >= now() - make_interval(mins => ${p.windowMinutes}) then now() + make_interval(mins => ${p.lockMinutes}) else ${loginThrottle.lockedUntil} end`,
      },
    });
}

export async function login(db: Db, input: LoginInput, meta: { ip: string; userAgent: string; ttlHours: number; requestId: string }): Promise<LoginResult> {
  const tenant = await findTenantBySlug(db, input.tenant);
  if (!tenant) throw fieldError('tenant', 'unknown_tenant', 422, { tenant: input.tenant });
  const ipLock = await ipLockedUntil(db, tenant.id, meta.ip);
  if (ipLock) throw new AppError(429, 'ip_locked', { minutes: minutesLeft(ipLock) });

  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenant.id), sql`lower(${users.email}) = lower(${input.email})`));
  if (user?.lockedUntil && user.lockedUntil > new Date()) throw new AppError(423, 'account_locked', { minutes: minutesLeft(user.lockedUntil) });

  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  const ctx = makeCtx(db, {
    tenantId: tenant.id,
    actor: { userId: user?.id ?? null, tokenId: null, name: user?.name ?? input.email, roles: [] },
    locale: 'en',
    timeZone: tenant.timeZone,
    ip: meta.ip,
    requestId: meta.requestId,
  });
  if (!ok || !user) {
    await countIpFailure(db, tenant.id, meta.ip);
    if (user) {
      const failures = user.failedLogins + 1;
      const lock = failures >= throttlePolicy.accountFailures;
      await ctx.tx(async (tx) => {
        await tx
          .update(users)
          .set(lock ? { failedLogins: 0, lockedUntil: sql`now() + make_interval(mins => ${throttlePolicy.lockMinutes})` } : { failedLogins: failures })
          .where(and(eq(users.tenantId, tenant.id), eq(users.id, user.id)));
        if (lock) await writeAudit(tx, ctx, { action: 'locked_out', entityType: 'user', entityId: user.id, after: { failedLogins: failures } });
      });
      if (lock) throw new AppError(423, 'account_locked', { minutes: throttlePolicy.lockMinutes });
    }
    throw new AppError(401, 'invalid_credentials');
  }
  if (!user.active) throw new AppError(403, 'account_inactive');

  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + meta.ttlHours * 3600_000);
  await ctx.tx(async (tx) => {
    await tx.insert(sessions).values({
      tenantId: tenant.id,
      id: sha256(secret),
      userId: user.id,
      csrfToken,
      ip: meta.ip,
      userAgent: meta.userAgent.slice(0, 300),
      expiresAt,
    });
    await tx
      .update(users)
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() })
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, user.id)));
    await writeAudit(tx, ctx, { action: 'login', entityType: 'session', entityId: user.id, after: { ip: meta.ip, userAgent: meta.userAgent.slice(0, 300) } });
  });
  return { cookieValue: `${tenant.id}.${secret}`, csrfToken, userId: user.id, tenantId: tenant.id, expiresAt };
}

export async function logout(ctx: Ctx, sessionId: string): Promise<void> {
  await ctx.tx(async (tx) => {
    await tx.delete(sessions).where(and(eq(sessions.tenantId, ctx.tenantId), eq(sessions.id, sessionId)));
    await writeAudit(tx, ctx, { action: 'logout', entityType: 'session', entityId: ctx.actor.userId ?? '' });
  });
  forgetPrincipals(ctx.tenantId);
}

/** A user changes their own name, language or password. */
export async function updateMe(ctx: Ctx, input: UpdateMe): Promise<void> {
  const userId = ctx.actor.userId;
  if (!userId) throw new AppError(403, 'forbidden');
  const [user] = await ctx.db.select().from(users).where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, userId)));
  if (!user) throw new AppError(401, 'unauthenticated');
  const patch: Partial<typeof users.$inferInsert> = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.locale !== undefined) patch.locale = input.locale;
  if (input.newPassword) {
    if (!(await verifyPassword(user.passwordHash, input.currentPassword ?? ''))) throw fieldError('currentPassword', 'wrong_password', 422);
    patch.passwordHash = await hashPassword(input.newPassword);
    patch.mustChangePassword = false;
  }
  if (Object.keys(patch).length === 0) return;
  await ctx.tx(async (tx) => {
    await tx
      .update(users)
      .set({ ...patch, version: sql`${users.version} + 1`, updatedAt: new Date() })
      .where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, userId)));
    const changed = { ...(input.name !== undefined ? { name: input.name } : {}), ...(input.locale !== undefined ? { locale: input.locale } : {}), ...(input.newPassword ? { password: 'changed' } : {}) };
    await writeAudit(tx, ctx, { action: 'profile_updated', entityType: 'user', entityId: userId, before: { name: user.name, locale: user.locale }, after: changed });
  });
  forgetPrincipals(ctx.tenantId);
}

export function effectiveLocale(userLocale: string | null, requested: Locale | undefined, tenantLocale: string): Locale {
  const pick = userLocale ?? requested ?? tenantLocale;
  return pick === 'en' ? 'en' : 'zh-CN';
}

export type { Role };
