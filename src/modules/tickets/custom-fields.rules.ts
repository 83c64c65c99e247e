import { DateTime } from 'luxon';
import type { FieldError } from '../../platform/http/errors.ts';
import type { Locale } from '../../platform/i18n/i18n.contract.ts';
import type { TicketType } from './tickets.contract.ts';
import { appliesTo, customFieldMaxLength, isEmptyValue, routingFieldKeys, type TicketFieldDef } from './custom-fields.contract.ts';

type Def = Pick<TicketFieldDef, 'key' | 'fieldType' | 'options' | 'required' | 'ticketTypes' | 'active' | 'labelZh' | 'labelEn'>;
type Values = Record<string, unknown>;

const err = (key: string, code: string, params: FieldError['params'] = {}): FieldError => ({ path: `customFields.${key}`, code, params });
const isDate = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A required checkbox means "must be ticked" (e.g. the customer agreed to an on-site visit). */
const missing = (d: Def, v: unknown) => isEmptyValue(v) || (d.fieldType === 'checkbox' && v === false);

function optionList(d: Def, locale: Locale): string {
  return d.options.map((o) => (locale === 'en' ? o.labelEn : o.labelZh)).join(locale === 'en' ? ', ' : '、');
}

/** The error for one filled-in value against its definition, or null when it fits. */
function valueError(d: Def, v: unknown, locale: Locale): FieldError | null {
  switch (d.fieldType) {
    case 'text':
    case 'textarea': {
      const max = customFieldMaxLength[d.fieldType];
      return typeof v === 'string' && v.length <= max ? null : err(d.key, 'errors.custom_field_text', { maximum: max });
    }
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : err(d.key, 'errors.custom_field_number');
    case 'date':
      return isDate(v) ? null : err(d.key, 'errors.custom_field_date');
    case 'checkbox':
      return typeof v === 'boolean' ? null : err(d.key, 'errors.custom_field_checkbox');
    case 'select':
      return typeof v === 'string' && d.options.some((o) => o.value === v) ? null : err(d.key, 'errors.custom_field_option', { values: optionList(d, locale) });
    case 'multiselect': {
      const ok = Array.isArray(v) && new Set(v).size === v.length && v.every((x) => typeof x === 'string' && d.options.some((o) => o.value === x));
      return ok ? null : err(d.key, 'errors.custom_field_option', { values: optionList(d, locale) });
    }
  }
}

/**
 * Checks a ticket's customFields against the tenant's definitions for the ticket's type and returns one
 * field error per bad key (path `customFields.<key>`).
 *
 * create (no `previous`): unknown keys are refused and every required field must be filled in.
 * update (`previous` = the stored values; the new object replaces them): a value equal to the stored one
 * passes as it is, so tickets from e-mail, import or before a definition changed stay editable; a changed
 * value must fit its definition, and a required field may not be cleared or removed.
 */
export function customFieldErrors(defs: readonly Def[], type: TicketType, values: Values, locale: Locale, previous?: Values): FieldError[] {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const errors: FieldError[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (previous && key in previous && same(previous[key], v)) continue;
    const d = byKey.get(key);
    if (!d) {
      // routing reads these keys from undefined fields too: short text only
      const routingKey = (routingFieldKeys as readonly string[]).includes(key);
      if (!routingKey) errors.push(err(key, 'errors.custom_field_unknown'));
      else if (v !== null && (typeof v !== 'string' || v.length > customFieldMaxLength.text)) errors.push(err(key, 'errors.custom_field_text', { maximum: customFieldMaxLength.text }));
      continue;
    }
    if (!appliesTo(d, type)) {
      // a cleared value of a field that no longer applies is fine: that is how it gets removed
      if (!isEmptyValue(v)) errors.push(err(key, 'errors.custom_field_unknown'));
      continue;
    }
    if (missing(d, v)) {
      if (d.required) errors.push(err(key, d.fieldType === 'checkbox' && v === false ? 'errors.custom_field_checked' : 'validation.required'));
      continue;
    }
    const e = valueError(d, v, locale);
    if (e) errors.push(e);
  }
  for (const d of defs) {
    if (!d.required || !appliesTo(d, type) || has(values, d.key)) continue;
    // on update only a removed value that was filled in counts; a ticket that never had it is left alone
    if (!previous || !missing(d, previous[d.key])) errors.push(err(d.key, 'validation.required'));
  }
  return errors;
}

const has = (o: Values, k: string) => Object.prototype.hasOwnProperty.call(o, k);
