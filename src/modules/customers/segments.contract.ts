import { z } from 'zod';
import { ConsentChannel, CustomerKind } from './customers.contract.ts';
import { TierCode } from './tiers.contract.ts';

const Text = z.string().trim().min(1).max(50);

/**
 * A saved filter over customers. Every non-empty criterion must hold (AND); inside one criterion any
 * listed value will do (OR), except consents, where every listed channel must be granted. Merged-away
 * customers never match. Dates are days in the tenant's time zone.
 */
export const SegmentFilter = z.strictObject({
  tiers: z.array(TierCode).max(20).default([]),
  /** has at least one of these tags */
  tags: z.array(Text).max(20).default([]),
  /** has an address in one of these provinces (and, when cities are given, in one of these cities) */
  provinces: z.array(Text).max(40).default([]),
  cities: z.array(Text).max(100).default([]),
  /** last purchase on or after this day */
  lastPurchaseFrom: z.iso.date().nullable().default(null),
  /** last purchase before this day (customers who never bought do not match) */
  lastPurchaseBefore: z.iso.date().nullable().default(null),
  /** never bought anything */
  neverPurchased: z.boolean().default(false),
  /** bought one of these products (an order line not cancelled nor fully refunded) */
  productIds: z.array(z.string().uuid()).max(50).default([]),
  /** birthday in one of these months (1–12) */
  birthdayMonths: z.array(z.number().int().min(1).max(12)).max(12).default([]),
  /** consent granted on every one of these channels */
  consents: z.array(ConsentChannel).max(4).default([]),
  kinds: z.array(CustomerKind).max(2).default([]),
  /** owned by one of these sales reps */
  ownerIds: z.array(z.string().uuid()).max(50).default([]),
});
export type SegmentFilter = z.output<typeof SegmentFilter>;
export type SegmentFilterInput = z.input<typeof SegmentFilter>;

export const Segment = z.object({
  id: z.string().uuid(),
  name: z.string(),
  description: z.string().nullable(),
  filter: SegmentFilter,
  shared: z.boolean(),
  ownerId: z.string().uuid().nullable(),
  ownerName: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Segment = z.infer<typeof Segment>;

export const CreateSegment = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).nullable().default(null),
  filter: SegmentFilter,
  /** visible to every colleague (campaign audiences); otherwise only to its owner */
  shared: z.boolean().default(false),
});
export type CreateSegment = z.input<typeof CreateSegment>;

export const UpdateSegment = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(500).nullable().optional(),
  filter: SegmentFilter.optional(),
  shared: z.boolean().optional(),
});
export type UpdateSegment = z.input<typeof UpdateSegment>;

export const SegmentCount = z.object({ count: z.number().int() });
export const CountSegment = z.strictObject({ filter: SegmentFilter });

export const SegmentMember = z.object({
  id: z.string().uuid(),
  name: z.string(),
  kind: CustomerKind,
  tier: z.string(),
  ordersCount: z.number().int(),
  revenueFen: z.number().int(),
  lastOrderAt: z.string().nullable(),
  birthday: z.string().nullable(),
});
export type SegmentMember = z.infer<typeof SegmentMember>;

/** Keyset pagination by customer id: pass the last id of a page as afterId for the next. */
export const SegmentMembersQuery = z.object({
  afterId: z.string().uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const SegmentMembersPage = z.object({ items: z.array(SegmentMember), nextAfterId: z.string().uuid().nullable() });
