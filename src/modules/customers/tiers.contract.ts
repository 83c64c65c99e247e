import { z } from 'zod';

/**
 * Tier codes are slugs each tenant defines (regular, vip, gold_card …); names are per language. SLA
 * conditions, routing and the customer's `tier` column hold the code.
 */
export const TierCode = z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'tier code: lower-case letters, digits, _' });
export type TierCode = z.infer<typeof TierCode>;

export const Benefit = z.strictObject({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });
export type Benefit = z.infer<typeof Benefit>;

/**
 * What counts as engagement in the window (each item adds 1):
 * - tickets: a ticket the customer opened (any type and channel);
 * - campaign_clicks: a care-campaign message the customer clicked (or replied to through its link).
 */
export const EngagementSource = z.enum(['tickets', 'campaign_clicks']);
export type EngagementSource = z.infer<typeof EngagementSource>;

const Thresholds = {
  /** net revenue (total − refunds) of orders placed in the window, fen; null = not used */
  minMonetaryFen: z.number().int().min(0).max(1e13).nullable().default(null),
  /** orders placed in the window (cancelled / fully refunded ones do not count) */
  minFrequency: z.number().int().min(0).max(100_000).nullable().default(null),
  /** whole days since the last purchase (any time, not only in the window) */
  maxRecencyDays: z.number().int().min(0).max(36_500).nullable().default(null),
  /** engagement count in the window, see EngagementSource */
  minEngagement: z.number().int().min(0).max(100_000).nullable().default(null),
};

export const TierDefinitionInput = z.strictObject({
  code: TierCode,
  /** higher = better; the lowest rank is where every customer who qualifies for nothing else lands */
  rank: z.number().int().min(0).max(1000),
  nameZh: z.string().trim().min(1).max(60),
  nameEn: z.string().trim().min(1).max(60),
  color: z.string().trim().max(20).nullable().default(null),
  ...Thresholds,
  /**
   * 0 = normal routing. Above 0 the customer's new tickets are never left waiting in a team that routes
   * manually and go to the team member with the fewest open tickets (instead of the next in turn).
   */
  routingPriority: z.number().int().min(0).max(100).default(0),
  /** tickets go to the customer's own dedicated agent (customers.dedicated_agent_id) when set and active */
  dedicatedAgent: z.boolean().default(false),
  benefits: z.array(Benefit).max(20).default([]),
  active: z.boolean().default(true),
});
export type TierDefinitionInput = z.input<typeof TierDefinitionInput>;
export type TierDefinitionParsed = z.output<typeof TierDefinitionInput>;

export const TierDefinition = TierDefinitionInput.extend({ customers: z.number().int() });
export type TierDefinition = z.infer<typeof TierDefinition>;

export const RecomputeResult = z.object({
  considered: z.number().int(),
  changed: z.number().int(),
  up: z.number().int(),
  down: z.number().int(),
  durationMs: z.number().int(),
});
export type RecomputeResult = z.infer<typeof RecomputeResult>;

export const RecomputeState = z.enum(['queued', 'running', 'done', 'failed']);
export const RecomputeRun = z.object({
  state: RecomputeState,
  reason: z.string(),
  requestedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  result: RecomputeResult.nullable(),
  error: z.string().nullable(),
});
export type RecomputeRun = z.infer<typeof RecomputeRun>;

export const TierSettingsFields = {
  /** months back from now over which frequency, monetary value and engagement are counted */
  windowMonths: z.number().int().min(1).max(120).default(12),
  engagementSources: z.array(EngagementSource).max(2).default(['tickets']),
  /** recompute every tier at 02:30 in the tenant's time zone */
  nightly: z.boolean().default(true),
};

export const TierConfig = z.object({
  version: z.number().int(),
  windowMonths: z.number().int(),
  engagementSources: z.array(EngagementSource),
  nightly: z.boolean(),
  definitions: z.array(TierDefinition),
  lastRun: RecomputeRun.nullable(),
});
export type TierConfig = z.infer<typeof TierConfig>;

export const SaveTierConfig = z.strictObject({
  /** the version read from GET /tiers (0 while nothing is saved) */
  version: z.number().int().min(0),
  ...TierSettingsFields,
  definitions: z.array(TierDefinitionInput).min(1).max(20),
});
export type SaveTierConfig = z.input<typeof SaveTierConfig>;

export const PreviewTiers = z.strictObject({ ...TierSettingsFields, definitions: z.array(TierDefinitionInput).min(1).max(20) });
export type PreviewTiers = z.input<typeof PreviewTiers>;

export const TierPreview = z.object({
  total: z.number().int(),
  /** customers with a manual tier: not moved */
  overridden: z.number().int(),
  up: z.number().int(),
  down: z.number().int(),
  unchanged: z.number().int(),
  tiers: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), current: z.number().int(), proposed: z.number().int() })),
});
export type TierPreview = z.infer<typeof TierPreview>;

export const TierOverrideInput = z.strictObject({
  tier: TierCode,
  reason: z.string().trim().min(1).max(500),
  /** last day of the override (yyyy-mm-dd, tenant time zone); omitted = until removed */
  until: z.iso.date().nullable().default(null),
});
export type TierOverrideInput = z.input<typeof TierOverrideInput>;

export const ClearTierOverride = z.strictObject({ reason: z.string().trim().min(1).max(500) });

export const TierHistoryEntry = z.object({
  id: z.string().uuid(),
  fromTier: z.string().nullable(),
  toTier: z.string(),
  reason: z.string(),
  details: z.record(z.string(), z.unknown()),
  actorId: z.string().uuid().nullable(),
  createdAt: z.string(),
});
export type TierHistoryEntry = z.infer<typeof TierHistoryEntry>;

/** What a tier promises: read by SLA selection, routing and the agent's customer panel. */
export const ServiceStandard = z.object({
  tier: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  color: z.string().nullable(),
  rank: z.number().int(),
  routingPriority: z.number().int(),
  /** the customer's dedicated agent when the tier grants one (null for tierOf) */
  dedicatedAgentId: z.string().uuid().nullable(),
  dedicatedAgent: z.boolean(),
  benefits: z.array(Benefit),
  /** a manager's manual tier is in force */
  overridden: z.boolean(),
});
export type ServiceStandard = z.infer<typeof ServiceStandard>;

/** The product's defaults, used until a tenant saves its own (and by the demo seed). */
export const defaultTierDefinitions: TierDefinitionParsed[] = [
  {
    code: 'regular', rank: 0, nameZh: '普通会员', nameEn: 'Regular', color: 'gray',
    minMonetaryFen: null, minFrequency: null, maxRecencyDays: null, minEngagement: null,
    routingPriority: 0, dedicatedAgent: false, active: true,
    benefits: [{ zh: '标准保修与服务', en: 'Standard warranty and service' }],
  },
  {
    code: 'vip', rank: 10, nameZh: '贵宾', nameEn: 'VIP', color: 'yellow',
    minMonetaryFen: 500_000, minFrequency: 2, maxRecencyDays: 365, minEngagement: null,
    routingPriority: 10, dedicatedAgent: true, active: true,
    benefits: [
      { zh: '优先接听与处理', en: 'Priority answering and handling' },
      { zh: '免费上门检测一次/年', en: 'One free home inspection a year' },
    ],
  },
  {
    code: 'senior_vip', rank: 20, nameZh: '高级贵宾', nameEn: 'Senior VIP', color: 'orange',
    minMonetaryFen: 2_000_000, minFrequency: 4, maxRecencyDays: 180, minEngagement: null,
    routingPriority: 20, dedicatedAgent: true, active: true,
    benefits: [
      { zh: '专属客服经理', en: 'Dedicated service manager' },
      { zh: '延长保修 1 年', en: 'Warranty extended by 1 year' },
      { zh: '24 小时内上门', en: 'Technician on site within 24 hours' },
    ],
  },
];
