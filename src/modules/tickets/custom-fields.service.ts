import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { checkVersion } from '../../platform/db/concurrency.ts';
import { AppError, fieldError, notFound, type FieldError } from '../../platform/http/errors.ts';
import { recordChange } from '../../platform/outbox/outbox.ts';
import { ticketFieldDefs } from './custom-fields.schema.ts';
import { appliesTo, choiceFieldTypes, type CreateTicketFieldDef, type CustomFieldType, type FieldOption, type TicketFieldDef, type UpdateTicketFieldDef } from './custom-fields.contract.ts';
import { customFieldErrors } from './custom-fields.rules.ts';
import type { TicketType } from './tickets.contract.ts';

type DefRow = typeof ticketFieldDefs.$inferSelect;

function toDef(r: DefRow): TicketFieldDef {
  return {
    id: r.id,
    key: r.key,
    labelZh: r.labelZh,
    labelEn: r.labelEn,
    fieldType: r.fieldType as CustomFieldType,
    options: r.options,
    required: r.required,
    ticketTypes: r.ticketTypes as TicketType[],
    position: r.position,
    active: r.active,
    version: r.version,
  };
}

export async function loadDefs(q: Queryable, tenantId: string): Promise<TicketFieldDef[]> {
  const rs = await q.select().from(ticketFieldDefs).where(eq(ticketFieldDefs.tenantId, tenantId)).orderBy(asc(ticketFieldDefs.position), asc(ticketFieldDefs.key));
  return rs.map(toDef);
}

/** Definitions in form order; `type` narrows to the active fields of that ticket type. */
export async function listFieldDefs(ctx: Pick<Ctx, 'db' | 'tenantId'>, query: { type?: TicketType; activeOnly: boolean }): Promise<TicketFieldDef[]> {
  const all = await loadDefs(ctx.db, ctx.tenantId);
  return all.filter((d) => (query.type ? appliesTo(d, query.type) : !query.activeOnly || d.active));
}

/** Options belong to choice fields only, need at least one there, and their values must be unique. */
function optionProblems(fieldType: CustomFieldType, options: FieldOption[]): FieldError[] {
  if (!choiceFieldTypes.includes(fieldType)) return options.length ? [{ path: 'options', code: 'errors.field_options_not_allowed' }] : [];
  if (!options.length) return [{ path: 'options', code: 'errors.field_options_required' }];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  options.forEach((o, i) => {
    if (seen.has(o.value)) out.push({ path: `options.${i}.value`, code: 'errors.field_option_duplicate', params: { value: o.value } });
    seen.add(o.value);
  });
  return out;
}

const failIf = (problems: FieldError[]) => {
  if (problems.length) throw new AppError(422, 'validation_failed', {}, { fieldErrors: problems });
};

async function keyTaken(tx: Tx, tenantId: string, key: string, exceptId?: string): Promise<boolean> {
  const conds = [eq(ticketFieldDefs.tenantId, tenantId), sql`lower(${ticketFieldDefs.key}) = lower(${key})`];
  if (exceptId) conds.push(ne(ticketFieldDefs.id, exceptId));
  return (await tx.select({ id: ticketFieldDefs.id }).from(ticketFieldDefs).where(and(...conds))).length > 0;
}

export async function createFieldDef(ctx: Ctx, input: CreateTicketFieldDef): Promise<TicketFieldDef> {
  failIf(optionProblems(input.fieldType, input.options));
  return ctx.tx(async (tx) => {
    // case-insensitive: `productModel` and `ProductModel` side by side would confuse everyone reading the data
    if (await keyTaken(tx, ctx.tenantId, input.key)) throw fieldError('key', 'field_key_taken', 409);
    const [row] = await tx
      .insert(ticketFieldDefs)
      .values({ ...input, ticketTypes: [...new Set(input.ticketTypes)], tenantId: ctx.tenantId })
      .returning();
    const def = toDef(row);
    await recordChange(tx, ctx, { action: 'created', entityType: 'ticket_field', entityId: row.id, after: def });
    return def;
  });
}

export async function updateFieldDef(ctx: Ctx, id: string, input: UpdateTicketFieldDef): Promise<TicketFieldDef> {
  return ctx.tx(async (tx) => {
    const [current] = await tx
      .select()
      .from(ticketFieldDefs)
      .where(and(eq(ticketFieldDefs.tenantId, ctx.tenantId), eq(ticketFieldDefs.id, id)))
      .for('update');
    checkVersion(current, input.version, 'ticket field');
    const { version: _v, ...patch } = input;
    if (patch.options) failIf(optionProblems(current.fieldType as CustomFieldType, patch.options));
    const [row] = await tx
      .update(ticketFieldDefs)
      .set({ ...patch, ...(patch.ticketTypes ? { ticketTypes: [...new Set(patch.ticketTypes)] } : {}), version: sql`${ticketFieldDefs.version} + 1`, updatedAt: new Date() })
      .where(and(eq(ticketFieldDefs.tenantId, ctx.tenantId), eq(ticketFieldDefs.id, id)))
      .returning();
    const after = toDef(row);
    await recordChange(tx, ctx, { action: 'updated', entityType: 'ticket_field', entityId: id, before: toDef(current), after });
    return after;
  });
}

export async function getFieldDef(ctx: Pick<Ctx, 'db' | 'tenantId'>, id: string): Promise<TicketFieldDef> {
  const [row] = await ctx.db.select().from(ticketFieldDefs).where(and(eq(ticketFieldDefs.tenantId, ctx.tenantId), eq(ticketFieldDefs.id, id)));
  if (!row) throw notFound();
  return toDef(row);
}

/**
 * The check that ticket create and update call: refuses customFields that do not fit the definitions of
 * the ticket's type with 422 and one field error per key (`customFields.<key>`), in the caller's language.
 * `previous` (the stored values) makes it an update; see customFieldErrors for what that relaxes.
 */
export async function checkCustomFields(q: Queryable, ctx: Pick<Ctx, 'tenantId' | 'locale'>, type: string, values: Record<string, unknown>, previous?: unknown): Promise<void> {
  checkCustomFieldsWith(await loadDefs(q, ctx.tenantId), ctx, type, values, previous);
}

/** checkCustomFields against definitions the caller already holds (a create's settings cache). */
export function checkCustomFieldsWith(defs: TicketFieldDef[], ctx: Pick<Ctx, 'locale'>, type: string, values: Record<string, unknown>, previous?: unknown): void {
  const before = previous && typeof previous === 'object' ? (previous as Record<string, unknown>) : undefined;
  failIf(customFieldErrors(defs, type as TicketType, values, ctx.locale, before));
}

/** Starting fields for a new organisation (demo seed): what a repair desk asks first. Optional, so no channel is blocked. */
export async function createDefaultFieldDefs(ctx: Ctx): Promise<void> {
  await createFieldDef(ctx, { key: 'productModel', labelZh: '产品型号', labelEn: 'Product model', fieldType: 'text', options: [], required: false, ticketTypes: ['repair', 'maintenance'], position: 10, active: true });
  await createFieldDef(ctx, {
    key: 'purchaseChannel',
    labelZh: '购买渠道',
    labelEn: 'Purchase channel',
    fieldType: 'select',
    options: [
      { value: 'online', labelZh: '线上商城', labelEn: 'Online store' },
      { value: 'store', labelZh: '线下门店', labelEn: 'Retail store' },
      { value: 'dealer', labelZh: '经销商', labelEn: 'Dealer' },
      { value: 'other', labelZh: '其他', labelEn: 'Other' },
    ],
    required: false,
    ticketTypes: ['repair', 'return_exchange'],
    position: 20,
    active: true,
  });
}
