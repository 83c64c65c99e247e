import { z } from 'zod';
import { Role } from './roles.contract.ts';

export const ApiToken = z.object({
  id: z.string().uuid(),
  name: z.string(),
  /** the first characters of the secret, to tell tokens apart */
  prefix: z.string(),
  roles: z.array(Role),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateApiToken = z.strictObject({
  name: z.string().trim().min(1).max(100),
  roles: z.array(Role).min(1),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateApiToken = z.infer<typeof CreateApiToken>;

/** `secret` is shown this once; only its hash is stored. Send it as `Authorization: Bearer <secret>`. */
export const ApiTokenCreated = z.object({ token: ApiToken, secret: z.string() });

export const TokenListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  includeRevoked: z.enum(['true', 'false']).default('false'),
});
export type TokenListQuery = z.infer<typeof TokenListQuery>;
