import { z } from 'zod';

export const CustomerKind = z.enum(['individual', 'company']);
/** Tier codes; names, thresholds and service standards per tier come with the customers/RFM work. */
export const CustomerTier = z.enum(['regular', 'vip', 'senior_vip']);
export type CustomerTier = z.infer<typeof CustomerTier>;
export const IdentityKind = z.enum(['email', 'phone', 'external']);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const CustomerIdentity = z.object({ kind: IdentityKind, value: z.string() });

export const Customer = z.object({
  id: z.string().uuid(),
  kind: CustomerKind,
  name: z.string(),
  tier: CustomerTier,
  dedicatedAgentId: z.string().uuid().nullable(),
  identities: z.array(CustomerIdentity),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Customer = z.infer<typeof Customer>;

export const CustomerLookupQuery = z.object({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
