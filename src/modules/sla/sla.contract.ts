import { z } from 'zod';
import { Channel, TicketPriority, TicketType } from '../tickets/tickets.contract.ts';
import { TierCode } from '../customers/tiers.contract.ts';

/** Empty list = any value. A policy applies when every non-empty list contains the ticket's value. */
export const SlaConditions = z.strictObject({
  types: z.array(TicketType).default([]),
  priorities: z.array(TicketPriority).default([]),
  channels: z.array(Channel).default([]),
  /** tier codes the tenant defines (customers/tiers); checked against them on save */
  tiers: z.array(TierCode).max(50).default([]),
});
export type SlaConditions = z.infer<typeof SlaConditions>;

const Minutes = z.number().int().min(1).max(525_600).nullable();

export const SlaPolicy = z.object({
  id: z.string().uuid(),
  name: z.string(),
  position: z.number().int(),
  active: z.boolean(),
  conditions: SlaConditions,
  /** targets in business minutes of the calendar; null = no such target */
  firstResponseMinutes: Minutes,
  nextResponseMinutes: Minutes,
  resolutionMinutes: Minutes,
  calendarId: z.string().uuid(),
  /** warn when this share of a target's time has passed */
  warnAtPercent: z.number().int().min(1).max(99),
  version: z.number().int(),
});
export type SlaPolicy = z.infer<typeof SlaPolicy>;

export const CreateSlaPolicy = z.strictObject({
  name: z.string().trim().min(1).max(100),
  position: z.number().int().min(0).max(10_000).default(100),
  active: z.boolean().default(true),
  conditions: SlaConditions.default({ types: [], priorities: [], channels: [], tiers: [] }),
  firstResponseMinutes: Minutes.default(null),
  nextResponseMinutes: Minutes.default(null),
  resolutionMinutes: Minutes.default(null),
  /** calendar id or code */
  calendar: z.string().min(1).max(60).default('cn-standard'),
  warnAtPercent: z.number().int().min(1).max(99).default(80),
});
export type CreateSlaPolicy = z.infer<typeof CreateSlaPolicy>;

export const UpdateSlaPolicy = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(1).max(100).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
  conditions: SlaConditions.optional(),
  firstResponseMinutes: Minutes.optional(),
  nextResponseMinutes: Minutes.optional(),
  resolutionMinutes: Minutes.optional(),
  calendar: z.string().min(1).max(60).optional(),
  warnAtPercent: z.number().int().min(1).max(99).optional(),
});
export type UpdateSlaPolicy = z.infer<typeof UpdateSlaPolicy>;

export const SlaTarget = z.enum(['first_response', 'next_response', 'resolution']);
export type SlaTarget = z.infer<typeof SlaTarget>;
