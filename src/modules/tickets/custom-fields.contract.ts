import { z } from 'zod';
import { TicketType } from './tickets.contract.ts';

/** The kinds of form field an admin can put on a ticket type. */
export const CustomFieldType = z.enum(['text', 'textarea', 'number', 'date', 'select', 'multiselect', 'checkbox']);
export type CustomFieldType = z.infer<typeof CustomFieldType>;
export const choiceFieldTypes: readonly CustomFieldType[] = ['select', 'multiselect'];

/** Longest accepted value per text kind (the ticket contract caps any string at 2,000). */
export const customFieldMaxLength = { text: 200, textarea: 2000 } as const;

/**
 * Keys that skill-based routing reads from a ticket's custom fields (routing.service needsOf): accepted as
 * short text even when the tenant has not defined them, so routing keeps working without configuration.
 */
export const routingFieldKeys = ['region', 'productLine', 'language'] as const;

export const FieldOption = z.strictObject({
  /** stored in the ticket; stable when labels change */
  value: z.string().trim().min(1).max(60),
  labelZh: z.string().trim().min(1).max(100),
  labelEn: z.string().trim().min(1).max(100),
});
export type FieldOption = z.infer<typeof FieldOption>;

export const TicketFieldDef = z.object({
  id: z.string().uuid(),
  key: z.string(),
  labelZh: z.string(),
  labelEn: z.string(),
  fieldType: CustomFieldType,
  options: z.array(FieldOption),
  required: z.boolean(),
  /** empty = every ticket type */
  ticketTypes: z.array(TicketType),
  position: z.number().int(),
  active: z.boolean(),
  version: z.number().int(),
});
export type TicketFieldDef = z.infer<typeof TicketFieldDef>;

/** camelCase or snake_case identifier; it is the key in tickets' customFields and in the API. */
export const FieldKey = z.string().trim().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,59}$/);

export const CreateTicketFieldDef = z.strictObject({
  key: FieldKey,
  labelZh: z.string().trim().min(1).max(100),
  labelEn: z.string().trim().min(1).max(100),
  fieldType: CustomFieldType,
  options: z.array(FieldOption).max(200).default([]),
  required: z.boolean().default(false),
  ticketTypes: z.array(TicketType).max(TicketType.options.length).default([]),
  position: z.number().int().min(0).max(10_000).default(100),
  active: z.boolean().default(true),
});
export type CreateTicketFieldDef = z.infer<typeof CreateTicketFieldDef>;

/** The key and the field type stay fixed: tickets already hold values under that key in that shape. */
export const UpdateTicketFieldDef = z.strictObject({
  version: z.number().int().positive(),
  labelZh: z.string().trim().min(1).max(100).optional(),
  labelEn: z.string().trim().min(1).max(100).optional(),
  options: z.array(FieldOption).max(200).optional(),
  required: z.boolean().optional(),
  ticketTypes: z.array(TicketType).max(TicketType.options.length).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
});
export type UpdateTicketFieldDef = z.infer<typeof UpdateTicketFieldDef>;

export const TicketFieldListQuery = z.object({
  /** only the fields that apply to this ticket type */
  type: TicketType.optional(),
  /** false = include deactivated fields (the admin list) */
  activeOnly: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

/** Checks values without saving: what the console calls before it sends a ticket change. */
export const CheckCustomFields = z.strictObject({
  type: TicketType,
  customFields: z.record(z.string().max(60), z.unknown()),
  /** the ticket's current values: given = an update (unchanged values pass, required applies to cleared ones) */
  previous: z.record(z.string().max(60), z.unknown()).optional(),
});

/** Whether a definition applies to a ticket of the given type. */
export const appliesTo = (d: Pick<TicketFieldDef, 'active' | 'ticketTypes'>, type: TicketType) => d.active && (d.ticketTypes.length === 0 || d.ticketTypes.includes(type));

/** A value that counts as "not filled in" (a required field must get something else). */
export const isEmptyValue = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
