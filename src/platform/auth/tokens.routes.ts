import { z } from 'zod';
import type { App } from '../http/types.ts';
import { page } from '../http/pagination.contract.ts';
import { ApiToken, ApiTokenCreated, CreateApiToken, TokenListQuery } from './tokens.contract.ts';
import { createToken, listTokens, revokeToken } from './tokens.service.ts';

const IdParam = z.object({ id: z.string().uuid() });

export function tokensRoutes(app: App) {
  app.get(
    '/api/v1/api-tokens',
    { config: { access: 'tokens.manage' }, schema: { tags: ['api-tokens'], summary: 'List API tokens (never their secrets)', querystring: TokenListQuery, response: { 200: page(ApiToken) } } },
    (req) => listTokens(req.ctx, req.query),
  );
  app.post(
    '/api/v1/api-tokens',
    {
      config: { access: 'tokens.manage', idempotent: true },
      schema: { tags: ['api-tokens'], summary: 'Create a token scoped to roles; the secret is returned only here', body: CreateApiToken, response: { 201: ApiTokenCreated } },
    },
    async (req, reply) => reply.code(201).send(await createToken(req.ctx, req.body)),
  );
  app.delete(
    '/api/v1/api-tokens/:id',
    { config: { access: 'tokens.manage' }, schema: { tags: ['api-tokens'], summary: 'Revoke a token', params: IdParam, response: { 200: ApiToken } } },
    (req) => revokeToken(req.ctx, req.params.id),
  );
}
