import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/db.ts';
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

interface PrincipalRow {
  tenant_id: string;
  slug: string;
  tenant_name: string;
  logo: string | null;
  time_zone: string;
  default_locale: string;
  user_id: string | null;
  token_id: string | null;
  session_id: string | null;
  csrf_token: string | null;
  name: string;
  email: string | null;
  roles: string[];
  locale: string | null;
  must_change_password: boolean;
}

function toPrincipal(r: PrincipalRow): Principal {
  return {
    tenantId: r.tenant_id,
    tenantSlug: r.slug,
    tenantName: r.tenant_name,
    tenantLogo: r.logo,
    timeZone: r.time_zone,
    tenantLocale: r.default_locale,
    userId: r.user_id,
    tokenId: r.token_id,
    sessionId: r.session_id,
    csrfToken: r.csrf_token,
    name: r.name,
    email: r.email,
    roles: r.roles as Role[],
    userLocale: r.locale,
    mustChangePassword: r.must_change_password,
  };
}

export async function principalFromSession(db: Db, cookie: string | undefined): Promise<Principal | undefined> {
  const parsed = parseSessionCookie(cookie);
  if (!parsed) return undefined;
  const [r] = await rows<PrincipalRow>(
    db,
    sql`select t.id as tenant_id, t.slug, t.name as tenant_name, t.logo, t.time_zone, t.default_locale,
               u.id as user_id, null::uuid as token_id, s.id as session_id, s.csrf_token, u.name, u.email, u.roles,
               u.locale, u.must_change_password
          from sessions s
          join users u on u.tenant_id = s.tenant_id and u.id = s.user_id and u.active
          join tenants t on t.id = s.tenant_id
         where s.tenant_id = ${parsed.tenantId} and s.id = ${sha256(parsed.secret)} and s.expires_at > now()`,
  );
  return r ? toPrincipal(r) : undefined;
}

export async function principalFromToken(db: Db, bearer: string): Promise<Principal | undefined> {
  const parsed = parseApiToken(bearer);
  if (!parsed) return undefined;
  const [r] = await rows<PrincipalRow>(
    db,
    sql`select t.id as tenant_id, t.slug, t.name as tenant_name, t.logo, t.time_zone, t.default_locale,
               null::uuid as user_id, k.id as token_id, null as session_id, null as csrf_token,
               'API token: ' || k.name as name, null as email, k.roles, null as locale, false as must_change_password
          from api_tokens k
          join tenants t on t.id = k.tenant_id
         where k.tenant_id = ${parsed.tenantId} and k.token_hash = ${sha256(parsed.secret)}
           and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())`,
  );
  return r ? toPrincipal(r) : undefined;
}
