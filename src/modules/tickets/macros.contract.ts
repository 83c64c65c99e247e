import { z } from 'zod';
import { TicketPriority, TicketStatus } from './tickets.contract.ts';

export const MacroActions = z.strictObject({
  status: TicketStatus.optional(),
  priority: TicketPriority.optional(),
  addTags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  teamId: z.string().uuid().nullable().optional(),
  assigneeId: z.string().uuid().nullable().optional(),
});
export type MacroActions = z.infer<typeof MacroActions>;

export const Macro = z.object({
  id: z.string().uuid(),
  name: z.string(),
  kind: z.enum(['public', 'note']),
  /** variables: {{customer.name}} {{ticket.number}} {{ticket.subject}} {{agent.name}} */
  body: z.string(),
  actions: MacroActions,
  shared: z.boolean(),
  ownerId: z.string().uuid().nullable(),
  version: z.number().int(),
});
export type Macro = z.infer<typeof Macro>;

export const CreateMacro = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(['public', 'note']).default('public'),
  body: z.string().max(20_000).default(''),
  actions: MacroActions.default({}),
  shared: z.boolean().default(true),
});
export const UpdateMacro = CreateMacro.partial().extend({ version: z.number().int().positive() }).strict();
export const ApplyMacro = z.strictObject({ version: z.number().int().positive(), macroId: z.string().uuid() });

export const SavedView = z.object({
  id: z.string().uuid(),
  name: z.string(),
  ownerId: z.string().uuid(),
  teamId: z.string().uuid().nullable(),
  query: z.record(z.string(), z.string()),
  position: z.number().int(),
});
export const CreateSavedView = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** share with a team; omitted = private */
  teamId: z.string().uuid().nullable().default(null),
  /** the ticket list query string parameters (status, type, priority, teamId, assignee, tag, q, sort) */
  query: z.partialRecord(z.enum(['status', 'type', 'priority', 'teamId', 'assignee', 'customerId', 'tag', 'q', 'sort']), z.string().max(500)),
  position: z.number().int().min(0).max(10_000).default(100),
});
