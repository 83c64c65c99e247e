import { z } from 'zod';

export const TeamMember = z.object({ userId: z.string().uuid(), name: z.string(), email: z.string(), isLead: z.boolean() });
export const Team = z.object({
  id: z.string().uuid(),
  name: z.string(),
  description: z.string(),
  members: z.array(TeamMember),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Team = z.infer<typeof Team>;

const MemberInput = z.strictObject({ userId: z.string().uuid(), isLead: z.boolean().default(false) });

export const CreateTeam = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).default(''),
  members: z.array(MemberInput).max(500).default([]),
});
export type CreateTeam = z.infer<typeof CreateTeam>;

export const UpdateTeam = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(500).optional(),
  /** replaces the member list when given */
  members: z.array(MemberInput).max(500).optional(),
});
export type UpdateTeam = z.infer<typeof UpdateTeam>;

export const TeamListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(100).optional(),
});
export type TeamListQuery = z.infer<typeof TeamListQuery>;
