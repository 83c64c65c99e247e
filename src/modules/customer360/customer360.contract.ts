import { z } from 'zod';
import { Address, Consent, Customer, Note } from '../customers/customers.contract.ts';
import { ServiceStandard, TierHistoryEntry } from '../customers/tiers.contract.ts';
import { OrderWithItems } from '../orders/orders.contract.ts';
import { CustomerClv } from '../orders/clv.contract.ts';
import { CallTask, CampaignMessage } from '../campaigns/campaigns.contract.ts';

export const TicketSummary = z.object({
  id: z.string().uuid(),
  number: z.string(),
  subject: z.string(),
  type: z.string(),
  status: z.string(),
  priority: z.string(),
  channel: z.string(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type TicketSummary = z.infer<typeof TicketSummary>;

export const TimelineKind = z.enum(['order', 'ticket', 'complaint', 'message', 'call_task', 'note', 'tier', 'change']);
export type TimelineKind = z.infer<typeof TimelineKind>;

/** One entry of the merged timeline; the web app words it from `kind` + `action` in the reader's language. */
export const TimelineItem = z.object({
  at: z.string(),
  kind: TimelineKind,
  /** what happened: created, merged, consent_changed, sent, failed, completed, tier codes … */
  action: z.string(),
  /** the order number, ticket number and subject, campaign name, note text, "vip → senior_vip" */
  title: z.string(),
  status: z.string().nullable(),
  amountFen: z.number().int().nullable(),
  /** web path of the record, when it has a page */
  link: z.string().nullable(),
  actorName: z.string().nullable(),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

const UserRef = z.object({ id: z.string().uuid(), name: z.string() }).nullable();
export const CustomerRef = z.object({ id: z.string().uuid(), name: z.string(), tier: z.string() });
export type CustomerRef = z.infer<typeof CustomerRef>;

/** Everything about one customer in one call (each list capped; the totals say how many there are). */
export const Customer360 = z.object({
  customer: Customer,
  /** set when the id asked for was merged: the 360 shown is the survivor's */
  redirectedFrom: z.string().uuid().nullable(),
  owner: UserRef,
  dedicatedAgent: UserRef,
  company: CustomerRef.nullable(),
  contacts: z.array(CustomerRef),
  addresses: z.array(Address),
  consents: z.array(Consent),
  notes: z.array(Note),
  /** customers merged into this one */
  mergedFrom: z.array(z.object({ id: z.string().uuid(), name: z.string() })),
  service: ServiceStandard.nullable(),
  tierHistory: z.array(TierHistoryEntry),
  /** null when the reader's role may not see orders */
  purchases: z.object({ orders: z.array(OrderWithItems), total: z.number().int(), clv: CustomerClv }).nullable(),
  tickets: z.object({ items: z.array(TicketSummary), total: z.number().int(), open: z.number().int(), complaints: z.number().int() }).nullable(),
  messages: z.array(CampaignMessage).nullable(),
  callTasks: z.array(CallTask).nullable(),
  timeline: z.array(TimelineItem),
});
export type Customer360 = z.infer<typeof Customer360>;

export const MergeCustomers = z.strictObject({
  /** the customer that is merged away into the one in the path */
  mergeId: z.string().uuid(),
  /** version of the surviving customer as read */
  version: z.number().int().positive(),
  /** version of the merged customer as read (optional) */
  mergeVersion: z.number().int().positive().optional(),
});
export type MergeCustomers = z.infer<typeof MergeCustomers>;

export const MergeResult = z.object({
  customer: Customer,
  moved: z.object({
    identities: z.number().int(),
    addresses: z.number().int(),
    consents: z.number().int(),
    notes: z.number().int(),
    tierHistory: z.number().int(),
    contacts: z.number().int(),
    orders: z.number().int(),
    tickets: z.number().int(),
    campaignMessages: z.number().int(),
  }),
});
export type MergeResult = z.infer<typeof MergeResult>;
