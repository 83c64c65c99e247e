import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { can } from '../auth/roles.contract.ts';
import { principalFromSession, principalFromToken } from '../auth/principal.ts';
import { effectiveLocale } from '../auth/auth.service.ts';
import { touchToken } from '../auth/tokens.service.ts';
import { localeFromAcceptLanguage, Locale } from '../i18n/i18n.contract.ts';
import { makeCtx } from '../tenancy/ctx.ts';
import { AppError } from './errors.ts';
import { errorHandler, problem, sendProblem } from './problem.ts';
import { idempotencyOnSend, idempotencyPreHandler } from './idempotency.ts';
import type { App, AppDeps } from './types.ts';

export const SESSION_COOKIE = 'sid';
export const LANG_COOKIE = 'lang';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export type RoutePlugin = (app: App) => Promise<void> | void;

function requestLocale(req: FastifyRequest): Locale {
  const fromCookie = Locale.safeParse(req.cookies?.[LANG_COOKIE]);
  return (fromCookie.success ? fromCookie.data : undefined) ?? localeFromAcceptLanguage(req.headers['accept-language']) ?? 'zh-CN';
}

function clientIp(req: FastifyRequest): string {
  return req.ip;
}

/** Resolves the caller, its language and ctx; enforces the route's declared access and CSRF. */
async function authenticate(req: FastifyRequest, reply: FastifyReply) {
  req.locale = requestLocale(req);
  req.principal = null;
  const access = req.routeOptions.config.access;
  if (access === undefined) return; // not an API route (static files, docs)
  const db = req.server.deps.database.db;
  const auth = req.headers.authorization;
  let viaCookie = false;
  if (auth?.startsWith('Bearer ')) {
    req.principal = (await principalFromToken(db, auth.slice(7).trim())) ?? null;
    if (!req.principal) throw new AppError(401, 'unauthenticated');
    touchToken(db, req.principal.tenantId, req.principal.tokenId!);
  } else if (req.cookies[SESSION_COOKIE]) {
    req.principal = (await principalFromSession(db, req.cookies[SESSION_COOKIE])) ?? null;
    viaCookie = !!req.principal;
  }
  const p = req.principal;
  if (p) {
    const asked = Locale.safeParse(req.cookies[LANG_COOKIE]).data ?? localeFromAcceptLanguage(req.headers['accept-language']);
    req.locale = effectiveLocale(p.userLocale, asked, p.tenantLocale);
    req.ctx = makeCtx(db, {
      tenantId: p.tenantId,
      actor: { userId: p.userId, tokenId: p.tokenId, name: p.name, roles: p.roles },
      locale: req.locale,
      timeZone: p.timeZone,
      ip: clientIp(req),
      requestId: req.id,
    });
  }
  if (access === 'public') return;
  if (!p) throw new AppError(401, 'unauthenticated');
  if (viaCookie && !safeMethods.has(req.method) && req.headers['x-csrf-token'] !== p.csrfToken) throw new AppError(403, 'csrf_failed');
  if (!can(p.roles, access)) throw new AppError(403, 'forbidden');
  reply.header('cache-control', 'no-store');
}

export interface OpenApiTag {
  name: string;
  description: string;
}

export async function buildApp(deps: AppDeps, routes: RoutePlugin[], opts: { logger?: boolean | object; tags?: OpenApiTag[] } = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? { level: deps.config.logLevel },
    bodyLimit: deps.config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: process.env.TRUST_PROXY === '1' || process.env.TRUST_PROXY === 'true',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.decorate('deps', deps);
  app.decorateRequest('locale', 'zh-CN');
  app.decorateRequest('principal', null);
  app.decorateRequest('ctx', null as never);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  // JSON with strict UTF-8: invalid byte sequences are a 400, not silently replaced characters.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/problem+json'], { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    if (req.routeOptions.config.rawBody) req.rawBody = body;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return done(new AppError(400, 'bad_utf8'));
    }
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new AppError(400, 'bad_json', { detail: (e as Error).message }));
    }
  });

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && route.config?.access === undefined) {
      throw new Error(`Route ${route.method} ${route.url} declares no access (config.access)`);
    }
  });
  await app.register(cookie); // before our onRequest hook, which reads cookies
  app.addHook('onRequest', (req, reply) => authenticate(req, reply));
  app.addHook('preHandler', idempotencyPreHandler);
  app.addHook('onSend', idempotencyOnSend);
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    return payload;
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'After-sales service platform API', version: '1', description: 'REST API. Errors are application/problem+json; lists are cursor-paginated.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (ast_…) created by an admin' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
      tags: opts.tags ?? [],
    },
    transform: (arg) => {
      const out = jsonSchemaTransform(arg);
      const access = (arg.route as { config?: { access?: string } }).config?.access;
      return { ...out, schema: { ...out.schema, ...(access ? { 'x-access': access } : {}) } };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const plugin of routes) await app.register(async (scope) => plugin(scope as unknown as App));

  const webDir = path.resolve(process.cwd(), 'dist/web');
  const hasWeb = fs.existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });

  app.setNotFoundHandler((req, reply) => {
    const isApi = req.url.startsWith('/api/') || req.url === '/api';
    if (!isApi && hasWeb && (req.method === 'GET' || req.method === 'HEAD')) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html'); // client-side routes
    }
    return sendProblem(reply, problem(req.locale, 404, 'route_not_found', { method: req.method, url: req.url.split('?')[0] }));
  });
  return app as App;
}
