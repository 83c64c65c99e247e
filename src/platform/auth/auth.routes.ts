import { z } from 'zod';
import type { App } from '../http/types.ts';
import { LANG_COOKIE, SESSION_COOKIE } from '../http/app.ts';
import { LoginInput, Me, PublicTenant, UpdateMe } from './auth.contract.ts';
import { login, logout, updateMe } from './auth.service.ts';
import { permissionsOf, Role, rolePermissions } from './roles.contract.ts';
import { logoUrl, principalFromSession } from './principal.ts';
import { findTenantBySlug } from '../tenancy/tenancy.service.ts';
import { notFound } from '../http/errors.ts';
import type { Locale } from '../i18n/i18n.contract.ts';
import type { FastifyRequest } from 'fastify';

function meOf(req: FastifyRequest): Me {
  const p = req.principal!;
  return {
    id: p.userId ?? p.tokenId ?? '',
    tenantId: p.tenantId,
    tenantSlug: p.tenantSlug,
    tenantName: p.tenantName,
    tenantLogo: p.tenantLogo,
    email: p.email ?? '',
    name: p.name,
    roles: p.roles,
    permissions: [...permissionsOf(p.roles)],
    locale: req.locale,
    localePreference: (p.userLocale as Locale | null) ?? null,
    timeZone: p.timeZone,
    mustChangePassword: p.mustChangePassword,
    csrfToken: p.csrfToken,
  };
}

export function authRoutes(app: App) {
  const { config } = app.deps;
  const cookieOpts = { httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, path: '/' };

  app.post(
    '/api/v1/auth/login',
    { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Sign in (sets the session cookie)', body: LoginInput, response: { 200: Me } } },
    async (req, reply) => {
      const result = await login(app.deps.database.db, req.body, {
        ip: req.ip,
        userAgent: String(req.headers['user-agent'] ?? ''),
        ttlHours: config.sessionTtlHours,
        requestId: req.id,
      });
      reply.setCookie(SESSION_COOKIE, result.cookieValue, { ...cookieOpts, expires: result.expiresAt });
      req.principal = (await principalFromSession(app.deps.database.db, result.cookieValue)) ?? null;
      const me = meOf(req);
      if (me.localePreference) req.locale = me.localePreference;
      return { ...me, locale: me.localePreference ?? req.locale };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null() } } },
    async (req, reply) => {
      if (req.principal?.sessionId) await logout(req.ctx, req.principal.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get('/api/v1/me', { config: { access: 'authenticated' }, schema: { tags: ['auth'], summary: 'The signed-in user or token', response: { 200: Me } } }, async (req) =>
    meOf(req),
  );

  app.patch(
    '/api/v1/me',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], summary: 'Change own name, language or password', body: UpdateMe, response: { 200: Me } } },
    async (req, reply) => {
      await updateMe(req.ctx, req.body);
      if (req.body.locale) reply.setCookie(LANG_COOKIE, req.body.locale, { path: '/', sameSite: 'lax', maxAge: 3600 * 24 * 365 });
      req.principal = (await principalFromSession(app.deps.database.db, req.cookies[SESSION_COOKIE])) ?? req.principal;
      const me = meOf(req);
      return { ...me, locale: me.localePreference ?? req.locale };
    },
  );

  app.get(
    '/api/v1/public/tenants/:slug',
    { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Name and logo of an organisation for its sign-in page', params: z.object({ slug: z.string().max(100) }), response: { 200: PublicTenant } } },
    async (req) => {
      const t = await findTenantBySlug(app.deps.database.db, req.params.slug);
      if (!t) throw notFound();
      return { slug: t.slug, name: t.name, logo: logoUrl(t.slug, !!t.logo, t.version), defaultLocale: t.defaultLocale === 'en' ? ('en' as const) : ('zh-CN' as const) };
    },
  );

  app.get(
    '/api/v1/public/tenants/:slug/logo',
    { config: { access: 'public' }, schema: { tags: ['auth'], summary: "The organisation's logo image", params: z.object({ slug: z.string().max(100) }) } },
    async (req, reply) => {
      const t = await findTenantBySlug(app.deps.database.db, req.params.slug);
      const m = t?.logo ? /^data:(image\/[a-z+]+);base64,(.*)$/.exec(t.logo) : null;
      if (!m) throw notFound();
      // the URL carries the settings version, so a changed logo gets a new URL
      return reply.type(m[1]).header('cache-control', 'public, max-age=86400').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(Buffer.from(m[2], 'base64'));
    },
  );

  app.get(
    '/api/v1/roles',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Roles and their permissions', response: { 200: z.array(z.object({ role: Role, permissions: z.array(z.string()) })) } },
    },
    async () => Object.entries(rolePermissions).map(([role, perms]) => ({ role: role as Role, permissions: [...perms] })),
  );
}
