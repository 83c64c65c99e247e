import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Access } from '../auth/roles.contract.ts';
import type { Principal } from '../auth/principal.ts';
import type { Ctx } from '../tenancy/ctx.ts';
import type { Locale } from '../i18n/i18n.contract.ts';
import type { Database } from '../db/db.ts';
import type { Config } from '../../config.ts';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface AppDeps {
  database: Database;
  config: Config;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a caller needs to use this route; every /api route must declare it. */
    access?: Access;
    /** Create endpoint: honours the Idempotency-Key header. */
    idempotent?: boolean;
    /** keep the request body's bytes in req.rawBody (signature checks) */
    rawBody?: boolean;
  }
  interface FastifyRequest {
    locale: Locale;
    principal: Principal | null;
    /** Set on every route that is not public. */
    ctx: Ctx;
    rawBody?: Buffer;
  }
  interface FastifyInstance {
    deps: AppDeps;
  }
}
