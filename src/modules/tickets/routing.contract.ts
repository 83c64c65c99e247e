import { z } from 'zod';

export const RoutingMode = z.enum(['manual', 'round_robin', 'least_loaded', 'skills']);
export type RoutingMode = z.infer<typeof RoutingMode>;
export const SkillKind = z.enum(['skill', 'region', 'product_line', 'language']);
export type SkillKind = z.infer<typeof SkillKind>;

export const TeamRouting = z.object({
  teamId: z.string().uuid(),
  mode: RoutingMode,
  escalationTeamId: z.string().uuid().nullable(),
  escalateOnBreach: z.boolean(),
  version: z.number().int(),
});
export type TeamRouting = z.infer<typeof TeamRouting>;

export const UpdateTeamRouting = z.strictObject({
  /** 0 when the team has no routing settings yet */
  version: z.number().int().min(0),
  mode: RoutingMode.optional(),
  escalationTeamId: z.string().uuid().nullable().optional(),
  escalateOnBreach: z.boolean().optional(),
});

export const AgentSkill = z.strictObject({ kind: SkillKind, value: z.string().trim().min(1).max(60) });
export type AgentSkill = z.infer<typeof AgentSkill>;
export const AgentSkills = z.strictObject({ skills: z.array(AgentSkill).max(100) });

export const Escalate = z.strictObject({
  version: z.number().int().positive(),
  /** defaults to the team's configured escalation (L2) team */
  toTeamId: z.string().uuid().optional(),
  reason: z.string().trim().min(1).max(1000),
});
export const HandBack = z.strictObject({ version: z.number().int().positive(), reason: z.string().trim().min(1).max(1000) });
