import { z } from 'zod';

export const TicketType = z.enum(['inquiry', 'technical_support', 'repair', 'return_exchange', 'complaint', 'feedback', 'maintenance']);
export type TicketType = z.infer<typeof TicketType>;
export const TicketPriority = z.enum(['p1', 'p2', 'p3', 'p4']);
export type TicketPriority = z.infer<typeof TicketPriority>;
export const TicketStatus = z.enum(['new', 'open', 'pending', 'on_hold', 'resolved', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatus>;
export const Channel = z.enum(['email', 'web_form', 'api', 'webhook', 'phone', 'chat', 'portal']);
export type Channel = z.infer<typeof Channel>;
export const MessageKind = z.enum(['public', 'note', 'auto']);
export type MessageKind = z.infer<typeof MessageKind>;
export const AuthorType = z.enum(['agent', 'customer', 'system']);
export type AuthorType = z.infer<typeof AuthorType>;

/**
 * The status flow as data. pending = waiting for the customer (pauses the SLA clock); on_hold = waiting for
 * parts or a third party; resolved/closed → open is a reopen (allowed within the tenant's reopen window).
 */
export const ticketTransitions: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending', 'on_hold', 'resolved'],
  open: ['pending', 'on_hold', 'resolved'],
  pending: ['open', 'on_hold', 'resolved'],
  on_hold: ['open', 'pending', 'resolved'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};
export const canTransition = (from: TicketStatus, to: TicketStatus) => from === to || ticketTransitions[from].includes(to);
export const openStatuses: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];

export const ContactInput = z.strictObject({
  name: z.string().trim().max(200).optional(),
  email: z.string().trim().max(320).optional(),
  phone: z.string().trim().max(40).optional(),
  /** `system:id`, e.g. `wechat:o6_bmjr…` */
  externalId: z.string().trim().max(200).optional(),
});
export type ContactInput = z.infer<typeof ContactInput>;

const Tags = z.array(z.string().trim().min(1).max(50)).max(30);
// arrays hold multiselect values; the shape per key is checked against the tenant's field definitions (custom-fields.rules.ts)
const CustomFields = z.record(z.string().max(60), z.union([z.string().max(2000), z.number(), z.boolean(), z.null(), z.array(z.string().max(200)).max(50)]));

export const CreateTicket = z.strictObject({
  subject: z.string().trim().min(1).max(300),
  description: z.string().max(100_000).default(''),
  type: TicketType.default('inquiry'),
  priority: TicketPriority.default('p3'),
  channel: Channel.default('api'),
  category: z.string().trim().max(100).optional(),
  faultCode: z.string().trim().max(50).optional(),
  customerId: z.string().uuid().optional(),
  customer: ContactInput.optional(),
  assigneeId: z.string().uuid().optional(),
  teamId: z.string().uuid().optional(),
  tags: Tags.default([]),
  customFields: CustomFields.default({}),
});
export type CreateTicket = z.infer<typeof CreateTicket>;

export const UpdateTicket = z.strictObject({
  version: z.number().int().positive(),
  subject: z.string().trim().min(1).max(300).optional(),
  type: TicketType.optional(),
  priority: TicketPriority.optional(),
  status: TicketStatus.optional(),
  category: z.string().trim().max(100).nullable().optional(),
  faultCode: z.string().trim().max(50).nullable().optional(),
  assigneeId: z.string().uuid().nullable().optional(),
  teamId: z.string().uuid().nullable().optional(),
  tags: Tags.optional(),
  customFields: CustomFields.optional(),
});
export type UpdateTicket = z.infer<typeof UpdateTicket>;

export const AddMessage = z.strictObject({
  kind: z.enum(['public', 'note']).default('public'),
  body: z.string().trim().min(1).max(100_000),
});
export type AddMessage = z.infer<typeof AddMessage>;

export const SlaState = z.object({
  policyId: z.string().uuid().nullable(),
  policyName: z.string().nullable(),
  calendarId: z.string().uuid().nullable(),
  firstResponseDueAt: z.string().nullable(),
  firstRespondedAt: z.string().nullable(),
  nextResponseDueAt: z.string().nullable(),
  resolutionDueAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  pausedAt: z.string().nullable(),
  /** the earliest running target: what queues sort by */
  dueAt: z.string().nullable(),
  breached: z.array(z.enum(['first_response', 'next_response', 'resolution'])),
});
export type SlaState = z.infer<typeof SlaState>;

export const Ticket = z.object({
  id: z.string().uuid(),
  number: z.string(),
  subject: z.string(),
  description: z.string(),
  type: TicketType,
  priority: TicketPriority,
  status: TicketStatus,
  channel: Channel,
  category: z.string().nullable(),
  faultCode: z.string().nullable(),
  customerId: z.string().uuid().nullable(),
  customerName: z.string().nullable(),
  assigneeId: z.string().uuid().nullable(),
  teamId: z.string().uuid().nullable(),
  tags: z.array(z.string()),
  customFields: CustomFields,
  externalId: z.string().nullable(),
  sla: SlaState,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Ticket = z.infer<typeof Ticket>;

export const TicketMessage = z.object({
  id: z.string().uuid(),
  kind: MessageKind,
  authorType: AuthorType,
  authorUserId: z.string().uuid().nullable(),
  authorName: z.string(),
  body: z.string(),
  channel: Channel.nullable(),
  createdAt: z.string(),
});
export type TicketMessage = z.infer<typeof TicketMessage>;

export const TicketEvent = z.object({
  id: z.number().int(),
  type: z.string(),
  actorName: z.string(),
  data: z.unknown(),
  at: z.string(),
});

export const TicketDetail = Ticket.extend({ messages: z.array(TicketMessage), events: z.array(TicketEvent) });
export type TicketDetail = z.infer<typeof TicketDetail>;

const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .max(500)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).max(20));

export const TicketListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: csv(TicketStatus).optional(),
  type: csv(TicketType).optional(),
  priority: csv(TicketPriority).optional(),
  teamId: z.string().uuid().optional(),
  /** a user id, `me`, or `none` (unassigned) */
  assignee: z.union([z.string().uuid(), z.enum(['me', 'none'])]).optional(),
  customerId: z.string().uuid().optional(),
  tag: z.string().max(50).optional(),
  /** search box: number, subject, messages, customer name/phone/e-mail; Chinese and English */
  q: z.string().trim().max(200).optional(),
  sort: z.enum(['sla_due', 'created_desc', 'updated_desc']).default('created_desc'),
});
export type TicketListQuery = z.infer<typeof TicketListQuery>;
