import { z } from 'zod';

/** Care campaigns (客户关怀) and follow-up calls (回访): the API's types, shared by server and web. */
export const CampaignKind = z.enum(['birthday', 'holiday', 'promotion', 'maintenance', 'followup_purchase', 'followup_repair']);
export type CampaignKind = z.infer<typeof CampaignKind>;
export const CampaignStatus = z.enum(['draft', 'active', 'paused', 'done']);
export type CampaignStatus = z.infer<typeof CampaignStatus>;
export const MessageChannel = z.enum(['email', 'sms']);
export type MessageChannel = z.infer<typeof MessageChannel>;
export const CampaignChannel = z.enum(['email', 'sms', 'call']);
export type CampaignChannel = z.infer<typeof CampaignChannel>;
export const TemplateLocale = z.enum(['zh-CN', 'en']);
export type TemplateLocale = z.infer<typeof TemplateLocale>;

/** Kinds that only create call tasks; they are transactional (no marketing consent needed). */
export const followupKinds: readonly CampaignKind[] = ['followup_purchase', 'followup_repair'];

/** The variables a template may use, written {{name}}. */
export const templateVariables = ['customerName', 'tierName', 'productName', 'orderNumber', 'holidayName', 'ticketNumber', 'companyName', 'date', 'unsubscribeUrl'] as const;
export type TemplateVariable = (typeof templateVariables)[number];

export const TemplateBody = z.strictObject({
  subject: z.string().trim().max(300).default(''),
  text: z.string().trim().min(1).max(20_000),
  html: z.string().max(200_000).nullable().default(null),
});
export type TemplateBody = z.infer<typeof TemplateBody>;

export const TemplateBodies = z.strictObject({ 'zh-CN': TemplateBody.optional(), en: TemplateBody.optional() });
export type TemplateBodies = z.infer<typeof TemplateBodies>;

export const CampaignTemplate = z.object({
  id: z.string().uuid(),
  name: z.string(),
  channel: MessageChannel,
  bodies: TemplateBodies,
  smsTemplateId: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CampaignTemplate = z.infer<typeof CampaignTemplate>;

export const CreateTemplate = z.strictObject({
  name: z.string().trim().min(1).max(200),
  channel: MessageChannel,
  bodies: TemplateBodies,
  smsTemplateId: z.string().trim().max(100).nullable().default(null),
});
export type CreateTemplate = z.infer<typeof CreateTemplate>;
export const UpdateTemplate = CreateTemplate.partial().extend({ version: z.number().int().positive() });
export type UpdateTemplate = z.infer<typeof UpdateTemplate>;

/** Preview: a saved template or a draft, rendered for one real customer in the customer's language (or the one asked for). */
export const RenderTemplate = z.strictObject({
  templateId: z.string().uuid().optional(),
  draft: CreateTemplate.optional(),
  customerId: z.string().uuid(),
  locale: TemplateLocale.optional(),
  vars: z.record(z.string(), z.string().max(500)).default({}),
});
export type RenderTemplate = z.infer<typeof RenderTemplate>;

export const RenderedMessage = z.object({
  locale: TemplateLocale,
  channel: MessageChannel,
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  /** SMS: characters (signature included) and how many SMS parts that makes */
  smsLength: z.number().int().nullable(),
  smsParts: z.number().int().nullable(),
});
export type RenderedMessage = z.infer<typeof RenderedMessage>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const Script = z.strictObject({ 'zh-CN': z.string().max(5000).default(''), en: z.string().max(5000).default('') });

export const BirthdaySchedule = z.strictObject({ kind: z.literal('birthday') });
export const HolidaySchedule = z.strictObject({
  kind: z.literal('holiday'),
  /** calendar code, default the official one */
  calendar: z.string().trim().min(1).max(100).default('cn-standard'),
  /** matched against the calendar day names, e.g. 春节 or Spring Festival */
  holiday: z.string().trim().min(1).max(100),
  daysBefore: z.number().int().min(0).max(30).default(0),
});
export const PromotionSchedule = z.strictObject({ kind: z.literal('promotion'), sendAt: z.iso.datetime({ offset: true }) });
export const MaintenanceSchedule = z.strictObject({ kind: z.literal('maintenance'), categoryId: z.string().uuid(), monthsAfter: z.number().int().min(1).max(120) });
export const FollowupSchedule = z.strictObject({
  kind: z.enum(['followup_purchase', 'followup_repair']),
  daysAfter: z.number().int().min(0).max(365).default(3),
  /** fixed assignee; otherwise the customer's dedicated agent or owner, otherwise the shared pool */
  assigneeId: z.string().uuid().nullable().default(null),
  script: Script,
});
export const CampaignSchedule = z.discriminatedUnion('kind', [BirthdaySchedule, HolidaySchedule, PromotionSchedule, MaintenanceSchedule, FollowupSchedule]);
export type CampaignSchedule = z.infer<typeof CampaignSchedule>;
export { hhmm as HourMinute };

export const Campaign = z.object({
  id: z.string().uuid(),
  name: z.string(),
  kind: CampaignKind,
  status: CampaignStatus,
  channel: CampaignChannel,
  templateId: z.string().uuid().nullable(),
  segmentId: z.string().uuid().nullable(),
  schedule: CampaignSchedule,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Campaign = z.infer<typeof Campaign>;

export const CreateCampaign = z.strictObject({
  name: z.string().trim().min(1).max(200),
  channel: CampaignChannel,
  templateId: z.string().uuid().nullable().default(null),
  segmentId: z.string().uuid().nullable().default(null),
  schedule: CampaignSchedule,
});
export type CreateCampaign = z.infer<typeof CreateCampaign>;
export const UpdateCampaign = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(1).max(200).optional(),
  channel: CampaignChannel.optional(),
  templateId: z.string().uuid().nullable().optional(),
  segmentId: z.string().uuid().nullable().optional(),
  schedule: CampaignSchedule.optional(),
});
export type UpdateCampaign = z.infer<typeof UpdateCampaign>;
export const VersionBody = z.strictObject({ version: z.number().int().positive() });

export const MessageStatus = z.enum(['queued', 'sending', 'sent', 'failed', 'skipped']);
export type MessageStatus = z.infer<typeof MessageStatus>;
export const SkipReason = z.enum(['no_consent', 'capped', 'no_address', 'campaign_paused']);
/** Why a follow-up campaign created no call task for an order or repair (logged as a skipped 'call' row). */
export const FollowupSkipReason = z.enum(['not_in_segment', 'segment_missing', 'phone_consent_withdrawn', 'historical_order']);
export type FollowupSkipReason = z.infer<typeof FollowupSkipReason>;

export const CampaignMessage = z.object({
  id: z.string().uuid(),
  campaignId: z.string().uuid(),
  campaignName: z.string(),
  customerId: z.string().uuid(),
  customerName: z.string().nullable(),
  occasionKey: z.string(),
  /** 'call': a follow-up that was not created (status skipped, with the reason) */
  channel: CampaignChannel,
  status: MessageStatus,
  reason: z.string().nullable(),
  toAddress: z.string().nullable(),
  subject: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  openedAt: z.string().nullable(),
  clickedAt: z.string().nullable(),
});
export type CampaignMessage = z.infer<typeof CampaignMessage>;

export const MessageListQuery = z.object({
  status: MessageStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type MessageListQuery = z.infer<typeof MessageListQuery>;

export const CampaignReport = z.object({
  campaignId: z.string().uuid(),
  total: z.number().int(),
  byStatus: z.record(MessageStatus, z.number().int()),
  skippedByReason: z.record(z.string(), z.number().int()),
  opened: z.number().int(),
  clicked: z.number().int(),
  /** opened ÷ sent (e-mail only; SMS opens cannot be seen), null when nothing was sent */
  openRate: z.number().nullable(),
  clickRate: z.number().nullable(),
  callTasks: z.object({ open: z.number().int(), done: z.number().int(), byOutcome: z.record(z.string(), z.number().int()) }),
});
export type CampaignReport = z.infer<typeof CampaignReport>;

export const CallOutcome = z.enum(['reached', 'not_reached', 'satisfied', 'problem']);
export type CallOutcome = z.infer<typeof CallOutcome>;
export const CallTaskStatus = z.enum(['open', 'done']);

export const CallTask = z.object({
  id: z.string().uuid(),
  campaignId: z.string().uuid(),
  campaignName: z.string(),
  customerId: z.string().uuid(),
  customerName: z.string().nullable(),
  customerPhone: z.string().nullable(),
  sourceType: z.enum(['order', 'ticket']),
  sourceId: z.string().uuid(),
  assigneeId: z.string().uuid().nullable(),
  dueAt: z.string(),
  script: z.string(),
  status: CallTaskStatus,
  outcome: CallOutcome.nullable(),
  notes: z.string().nullable(),
  callAttempts: z.number().int(),
  ticketId: z.string().uuid().nullable(),
  completedAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
});
export type CallTask = z.infer<typeof CallTask>;

export const CallTaskQuery = z.object({
  scope: z.enum(['mine', 'all']).default('mine'),
  status: CallTaskStatus.default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CallTaskQuery = z.infer<typeof CallTaskQuery>;

/** not_reached keeps the task open for another try (up to maxCallAttempts); problem needs a ticket subject. */
export const RecordOutcome = z.strictObject({
  version: z.number().int().positive(),
  outcome: CallOutcome,
  notes: z.string().trim().max(5000).default(''),
  problemSubject: z.string().trim().min(1).max(300).optional(),
});
export type RecordOutcome = z.infer<typeof RecordOutcome>;
export const maxCallAttempts = 3;

export const CampaignSettings = z.object({
  capMessages: z.number().int(),
  capWindowDays: z.number().int(),
  dailyRunAt: z.string(),
  smsGatewayUrl: z.string().nullable(),
  smsAuth: z.enum(['hmac', 'bearer']),
  smsSecretSet: z.boolean(),
  smsSignature: z.string(),
  version: z.number().int(),
});
export type CampaignSettings = z.infer<typeof CampaignSettings>;
export const UpdateCampaignSettings = z.strictObject({
  version: z.number().int().positive(),
  capMessages: z.number().int().min(1).max(100).optional(),
  capWindowDays: z.number().int().min(1).max(365).optional(),
  dailyRunAt: hhmm.optional(),
  smsGatewayUrl: z.url({ protocol: /^https?$/ }).max(500).nullable().optional(),
  smsAuth: z.enum(['hmac', 'bearer']).optional(),
  smsSecret: z.string().min(8).max(500).nullable().optional(),
  smsSignature: z.string().trim().max(30).optional(),
});
export type UpdateCampaignSettings = z.infer<typeof UpdateCampaignSettings>;

export const AudienceCount = z.object({ count: z.number().int() });
export const HolidayOption = z.object({ name: z.string(), firstDate: z.string(), lastDate: z.string() });
export type HolidayOption = z.infer<typeof HolidayOption>;
export const IdParam = z.object({ id: z.string().uuid() });
export const TokenQuery = z.object({ t: z.string().min(10).max(3000) });
