import { z } from 'zod';

export const CustomerKind = z.enum(['individual', 'company']);
export type CustomerKind = z.infer<typeof CustomerKind>;
/** The default tier codes; a tenant may define others (tier_definitions), so customers carry the code as text. */
export const CustomerTier = z.enum(['regular', 'vip', 'senior_vip']);
export type CustomerTier = z.infer<typeof CustomerTier>;
export const IdentityKind = z.enum(['email', 'phone', 'external']);
export type IdentityKind = z.infer<typeof IdentityKind>;
export const Gender = z.enum(['male', 'female', 'unknown']);
export const CustomerLanguage = z.enum(['zh-CN', 'en']);
export const ConsentChannel = z.enum(['email', 'sms', 'phone', 'wechat']);
export type ConsentChannel = z.infer<typeof ConsentChannel>;

export const CustomerIdentity = z.object({ kind: IdentityKind, value: z.string() });
export type CustomerIdentity = z.infer<typeof CustomerIdentity>;

const Preferences = z.record(z.string().max(60), z.union([z.string().max(500), z.number(), z.boolean(), z.null(), z.array(z.string().max(100)).max(30)]));
const Tag = z.string().trim().min(1).max(50);

export const Customer = z.object({
  id: z.string().uuid(),
  kind: CustomerKind,
  name: z.string(),
  tier: z.string(),
  dedicatedAgentId: z.string().uuid().nullable(),
  companyId: z.string().uuid().nullable(),
  gender: Gender,
  birthday: z.string().nullable(),
  language: CustomerLanguage,
  preferences: Preferences,
  tags: z.array(z.string()),
  ownerId: z.string().uuid().nullable(),
  source: z.string(),
  /** Set once merged: the customer that now holds everything (follow it). */
  mergedIntoId: z.string().uuid().nullable(),
  ordersCount: z.number().int(),
  revenueFen: z.number().int(),
  /** Historical CLV in fen (PRODUCT.md KPI). */
  clvFen: z.number().int(),
  firstOrderAt: z.string().nullable(),
  lastOrderAt: z.string().nullable(),
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

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(20)).optional();

/** Filters of the customer list; the export takes the same. */
export const CustomerListFilter = z.object({
  /** a name fragment (two Chinese characters are enough), a phone, an e-mail or an external id */
  q: z.string().trim().max(200).optional(),
  kind: CustomerKind.optional(),
  tier: csv(z.string().max(40)),
  tag: z.string().trim().max(50).optional(),
  ownerId: z.string().uuid().optional(),
  province: z.string().trim().max(50).optional(),
  city: z.string().trim().max(50).optional(),
  companyId: z.string().uuid().optional(),
  /** merged customers are hidden unless asked for */
  includeMerged: z.preprocess((v) => v === 'true' || v === true, z.boolean()).default(false),
});
export type CustomerListFilter = z.infer<typeof CustomerListFilter>;
export const CustomerListQuery = CustomerListFilter.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;

export const CustomerListItem = Customer.extend({ companyName: z.string().nullable(), region: z.string().nullable() });
export type CustomerListItem = z.infer<typeof CustomerListItem>;

export const AddressInput = z.strictObject({
  label: z.string().trim().max(50).nullish(),
  recipient: z.string().trim().max(100).nullish(),
  phone: z.string().trim().max(40).nullish(),
  province: z.string().trim().min(1).max(50),
  city: z.string().trim().min(1).max(50),
  district: z.string().trim().max(50).nullish(),
  street: z.string().trim().min(1).max(300),
  postalCode: z.string().trim().regex(/^\d{6}$/).nullish(),
  isDefault: z.boolean().default(false),
});
export type AddressInput = z.infer<typeof AddressInput>;
export const Address = z.object({
  id: z.string().uuid(),
  label: z.string().nullable(),
  recipient: z.string().nullable(),
  phone: z.string().nullable(),
  province: z.string(),
  city: z.string(),
  district: z.string().nullable(),
  street: z.string(),
  postalCode: z.string().nullable(),
  isDefault: z.boolean(),
  createdAt: z.string(),
});
export type Address = z.infer<typeof Address>;

export const ConsentInput = z.strictObject({
  channel: ConsentChannel,
  granted: z.boolean(),
  /** how it was given or withdrawn: form, agent, phone_call, import, unsubscribe_link … */
  source: z.string().trim().min(1).max(50).default('agent'),
});
export type ConsentInput = z.infer<typeof ConsentInput>;
export const Consent = z.object({ channel: ConsentChannel, granted: z.boolean(), source: z.string(), changedAt: z.string() });
export type Consent = z.infer<typeof Consent>;

export const NoteInput = z.strictObject({ body: z.string().trim().min(1).max(10_000) });
export const Note = z.object({ id: z.string().uuid(), body: z.string(), authorId: z.string().uuid().nullable(), authorName: z.string().nullable(), createdAt: z.string() });
export type Note = z.infer<typeof Note>;

export const IdentityInput = z.strictObject({ kind: IdentityKind, value: z.string().trim().min(1).max(320) });
export type IdentityInput = z.infer<typeof IdentityInput>;

/** What to do when a phone, e-mail or external id already belongs to another customer. */
export const OnDuplicate = z.enum(['reject', 'use_existing', 'create_without_duplicates']);

const profileFields = {
  name: z.string().trim().min(1).max(200),
  companyId: z.string().uuid().nullish(),
  gender: Gender,
  birthday: z.iso.date().nullish(),
  language: CustomerLanguage,
  preferences: Preferences,
  tags: z.array(Tag).max(30),
  ownerId: z.string().uuid().nullish(),
  dedicatedAgentId: z.string().uuid().nullish(),
};

export const CreateCustomer = z.strictObject({
  kind: CustomerKind.default('individual'),
  ...profileFields,
  gender: Gender.default('unknown'),
  language: CustomerLanguage.default('zh-CN'),
  preferences: Preferences.default({}),
  tags: z.array(Tag).max(30).default([]),
  source: z.string().trim().min(1).max(40).default('manual'),
  phones: z.array(z.string().trim().min(1).max(40)).max(10).default([]),
  emails: z.array(z.string().trim().min(1).max(320)).max(10).default([]),
  /** `system:id`, e.g. `wechat:o6_bmjr…`, `wechat_union:…`, `shop:member-42` */
  externalIds: z.array(z.string().trim().min(1).max(200)).max(10).default([]),
  addresses: z.array(AddressInput).max(10).default([]),
  consents: z.array(ConsentInput).max(4).default([]),
  note: z.string().trim().max(10_000).optional(),
  onDuplicate: OnDuplicate.default('reject'),
});
export type CreateCustomer = z.infer<typeof CreateCustomer>;

export const UpdateCustomer = z.strictObject({
  version: z.number().int().positive(),
  kind: CustomerKind.optional(),
  name: profileFields.name.optional(),
  companyId: profileFields.companyId,
  gender: Gender.optional(),
  birthday: profileFields.birthday,
  language: CustomerLanguage.optional(),
  preferences: Preferences.optional(),
  tags: profileFields.tags.optional(),
  ownerId: profileFields.ownerId,
  dedicatedAgentId: profileFields.dedicatedAgentId,
});
export type UpdateCustomer = z.infer<typeof UpdateCustomer>;

/** One existing customer that shares an identity with the input. */
export const DuplicateMatch = z.object({
  customerId: z.string().uuid(),
  name: z.string(),
  matched: z.array(CustomerIdentity),
});
export type DuplicateMatch = z.infer<typeof DuplicateMatch>;

/** The 409 of a create that found duplicates: problem details plus who matched and by what. */
export const DuplicateProblem = z.object({
  type: z.string(),
  status: z.literal(409),
  code: z.literal('duplicate_customer'),
  title: z.string(),
  message: z.string(),
  fieldErrors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
  duplicates: z.array(DuplicateMatch),
});
export type DuplicateProblem = z.infer<typeof DuplicateProblem>;

export const DuplicateCheckQuery = z.object({
  phone: z.string().trim().max(40).optional(),
  email: z.string().trim().max(320).optional(),
  externalId: z.string().trim().max(200).optional(),
  /** also customers with exactly this name (weaker signal, reported separately) */
  name: z.string().trim().max(200).optional(),
});
export const PossibleDuplicate = DuplicateMatch.extend({ sameName: z.boolean() });
export type PossibleDuplicate = z.infer<typeof PossibleDuplicate>;
