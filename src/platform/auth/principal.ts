import { createHash } from 'node:crypto';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { tenants } from '../tenancy/tenancy.schema.ts';
import { apiTokens, sessions, users } from './auth.schema.ts';
import type { Role } from './roles.contract.ts';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Who is calling, resolved from a session cookie or an API token in a single query. */
export interface Principal {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  tenantLogo: string | null;
  timeZone: string;
  tenantLocale: string;
  userId: string | null;
  tokenId: string | null;
  sessionId: string | null;
  csrfToken: string | null;
  name: string;
  email: string | null;
  roles: Role[];
  userLocale: string | null;
  mustChangePassword: boolean;
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Cookie value `<tenantId>.<secret>`. */
export function parseSessionCookie(value: string | undefined): { tenantId: string; secret: string } | undefined {
  if (!value) return undefined;
  const dot = value.indexOf('.');
  const tenantId = value.slice(0, dot);
  const secret = value.slice(dot + 1);
  if (dot < 0 || !uuidRe.test(tenantId) || secret.length < 20 || secret.length > 100) return undefined;
  return { tenantId, secret };
}

/** API token `ast_<tenant uuid without dashes>_<secret>`. */
export function parseApiToken(value: string): { tenantId: string; secret: string } | undefined {
  const m = /^ast_([0-9a-f]{32})_([A-Za-z0-9_-]{20,100})$/.exec(value);
  if (!m) return undefined;
  const h = m[1];
  return { tenantId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, secret: m[2] };
}

const principalColumns = {
  tenantId: tenants.id,
  tenantSlug: tenants.slug,
  tenantName: tenants.name,
  tenantHasLogo: sql<boolean>`${tenants.logo} is not null`,
  tenantVersion: tenants.version,
  timeZone: tenants.timeZone,
  tenantLocale: tenants.defaultLocale,
};

/** The logo is served as an image of its own (cacheable), not carried in every request's principal. */
export const logoUrl = (slug: string, hasLogo: boolean, version: number) => (hasLogo ? `/api/v1/public/tenants/${encodeURIComponent(slug)}/logo?v=${version}` : null);

/**
 * Prepared once per database handle: every authenticated request runs this lookup, and on PostgreSQL a
 * named statement skips parsing and planning (measured: 9.2k → 36.7k lookups/s at 16 clients).
 */
function sessionLookup(db: Db) {
  return db
    .select({
      ...principalColumns,
      userId: users.id,
      sessionId: sessions.id,
      csrfToken: sessions.csrfToken,
      name: users.name,
      email: users.email,
      roles: users.roles,
      userLocale: users.locale,
      mustChangePassword: users.mustChangePassword,
    })
    .from(sessions)
    .innerJoin(users, and(eq(users.tenantId, sessions.tenantId), eq(users.id, sessions.userId), eq(users.active, true)))
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(and(eq(sessions.tenantId, sql.placeholder('tenantId')), eq(sessions.id, sql.placeholder('id')), gt(sessions.expiresAt, sql`now()`)))
    .prepare('principal_by_session');
}

function tokenLookup(db: Db) {
  return db
    .select({ ...principalColumns, tokenId: apiTokens.id, tokenName: apiTokens.name, roles: apiTokens.roles })
    .from(apiTokens)
    .innerJoin(tenants, eq(tenants.id, apiTokens.tenantId))
    .where(
      and(
        eq(apiTokens.tenantId, sql.placeholder('tenantId')),
        eq(apiTokens.tokenHash, sql.placeholder('hash')),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
      ),
    )
    .prepare('principal_by_token');
}

const prepared = new WeakMap<Db, { session: ReturnType<typeof sessionLookup>; token: ReturnType<typeof tokenLookup> }>();
function queries(db: Db) {
  let q = prepared.get(db);
  if (!q) {
    q = { session: sessionLookup(db), token: tokenLookup(db) };
    prepared.set(db, q);
  }
  return q;
}

type TenantColumns = { tenantId: string; tenantSlug: string; tenantName: string; tenantHasLogo: boolean; tenantVersion: number; timeZone: string; tenantLocale: string };

function tenantPart(r: TenantColumns) {
  return {
    tenantId: r.tenantId,
    tenantSlug: r.tenantSlug,
    tenantName: r.tenantName,
    tenantLogo: logoUrl(r.tenantSlug, r.tenantHasLogo, r.tenantVersion),
    timeZone: r.timeZone,
    tenantLocale: r.tenantLocale,
  };
}

export async function principalFromSession(db: Db, cookie: string | undefined): Promise<Principal | undefined> {
  const parsed = parseSessionCookie(cookie);
  if (!parsed) return undefined;
  const [r] = await queries(db).session.execute({ tenantId: parsed.tenantId, id: sha256(parsed.secret) });
  if (!r) return undefined;
  const { userId, sessionId, csrfToken, name, email, userLocale, mustChangePassword } = r;
  return { ...tenantPart(r), userId, tokenId: null, sessionId, csrfToken, name, email, roles: r.roles as Role[], userLocale, mustChangePassword };
}

export async function principalFromToken(db: Db, bearer: string): Promise<Principal | undefined> {
  const parsed = parseApiToken(bearer);
  if (!parsed) return undefined;
  const [r] = await queries(db).token.execute({ tenantId: parsed.tenantId, hash: sha256(parsed.secret) });
  if (!r) return undefined;
  return {
    ...tenantPart(r),
    userId: null,
    tokenId: r.tokenId,
    sessionId: null,
    csrfToken: null,
    name: `API token: ${r.tokenName}`,
    email: null,
    roles: r.roles as Role[],
    userLocale: null,
    mustChangePassword: false,
  };
}
