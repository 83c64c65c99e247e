import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTestDatabase } from '../db/test-db.ts';
import type { Database } from '../db/db.ts';
import { buildApp } from './app.ts';
import type { App } from './types.ts';
import { allRoutes, openApiTags } from '../../routes.ts';
import '../../jobs.ts';
import { loadConfig } from '../../config.ts';
import { tenants } from '../tenancy/tenancy.schema.ts';
import { users } from '../auth/auth.schema.ts';
import { hashPassword } from '../auth/password.ts';
import type { Role } from '../auth/roles.contract.ts';
import { systemCtx, type Ctx } from '../tenancy/ctx.ts';

/** Route tests: the whole app on a real test database, driven with `app.inject`. */
export interface TestApp {
  app: App;
  database: Database;
  close(): Promise<void>;
}

export async function createTestApp(): Promise<TestApp> {
  const database = await createTestDatabase();
  const app = await buildApp({ database, config: { ...loadConfig(), bodyLimitBytes: 64 * 1024 } }, allRoutes, { logger: false, tags: openApiTags });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export const TEST_PASSWORD = 'test-password-1';
let passwordHash: Promise<string> | undefined;

export interface TestTenant {
  id: string;
  slug: string;
  ctx: Ctx;
}

/** A tenant with a unique slug (tests share one database per file). */
export async function createTenant(database: Database, fields: { name?: string; timeZone?: string; defaultLocale?: 'zh-CN' | 'en' } = {}): Promise<TestTenant> {
  const slug = `t-${randomBytes(4).toString('hex')}`;
  const [row] = await database.db
    .insert(tenants)
    .values({ slug, name: fields.name ?? `Tenant ${slug}`, timeZone: fields.timeZone ?? 'Asia/Shanghai', defaultLocale: fields.defaultLocale ?? 'zh-CN' })
    .returning();
  return { id: row.id, slug, ctx: systemCtx(database.db, row) };
}

export interface TestUser {
  id: string;
  email: string;
  tenant: TestTenant;
}

export async function createUser(database: Database, tenant: TestTenant, roles: Role[], fields: { email?: string; locale?: 'zh-CN' | 'en' } = {}): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = fields.email ?? `${roles.join('-')}-${randomBytes(3).toString('hex')}@${tenant.slug}.example`;
  const [row] = await database.db
    .insert(users)
    .values({ tenantId: tenant.id, email, name: `${roles.join(' ')} user`, roles, locale: fields.locale ?? null, passwordHash: await passwordHash })
    .returning();
  return { id: row.id, email, tenant };
}

/** A signed-in client: cookie and CSRF header on every request. */
export interface Session {
  user: TestUser;
  cookie: string;
  csrf: string;
  request(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

export async function signIn(app: App, user: TestUser, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: user.tenant.slug, email: user.email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === 'sid');
  if (!setCookie) throw new Error('no session cookie');
  const cookie = `sid=${setCookie.value}`;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    user,
    cookie,
    csrf,
    request: (opts) => app.inject({ ...opts, headers: { cookie, 'x-csrf-token': csrf, ...(opts.headers ?? {}) } }),
  };
}

/** Convenience: tenant + user with roles + signed-in session. */
export async function sessionWithRoles(t: TestApp, roles: Role[], tenant?: TestTenant): Promise<Session> {
  const tt = tenant ?? (await createTenant(t.database));
  return signIn(t.app, await createUser(t.database, tt, roles));
}
