import { describe, expect, it } from 'vitest';
import { customFieldErrors } from './custom-fields.rules.ts';
import type { TicketFieldDef } from './custom-fields.contract.ts';

const def = (key: string, fieldType: TicketFieldDef['fieldType'], extra: Partial<TicketFieldDef> = {}): TicketFieldDef => ({
  id: '00000000-0000-4000-8000-000000000000',
  key,
  labelZh: key,
  labelEn: key,
  fieldType,
  options: [],
  required: false,
  ticketTypes: [],
  position: 0,
  active: true,
  version: 1,
  ...extra,
});
const opts = [
  { value: 'a', labelZh: '甲', labelEn: 'A' },
  { value: 'b', labelZh: '乙', labelEn: 'B' },
];
const defs = [
  def('t', 'text'),
  def('ta', 'textarea'),
  def('n', 'number'),
  def('d', 'date'),
  def('s', 'select', { options: opts }),
  def('m', 'multiselect', { options: opts }),
  def('c', 'checkbox'),
  def('repairOnly', 'text', { ticketTypes: ['repair'] }),
  def('old', 'text', { active: false }),
];
const codes = (values: Record<string, unknown>, previous?: Record<string, unknown>) =>
  Object.fromEntries(customFieldErrors(defs, 'inquiry', values, 'en', previous).map((e) => [e.path.replace('customFields.', ''), e.code]));

describe('customFieldErrors', () => {
  it.each([
    ['text', { t: 'x'.repeat(200) }, {}],
    ['text too long', { t: 'x'.repeat(201) }, { t: 'errors.custom_field_text' }],
    ['textarea', { ta: 'x'.repeat(2000) }, {}],
    ['text not a string', { t: 5 }, { t: 'errors.custom_field_text' }],
    ['number', { n: 2.5 }, {}],
    ['number as text', { n: '2' }, { n: 'errors.custom_field_number' }],
    ['date', { d: '2026-02-28' }, {}],
    ['impossible date', { d: '2026-02-30' }, { d: 'errors.custom_field_date' }],
    ['date with time', { d: '2026-02-28T10:00' }, { d: 'errors.custom_field_date' }],
    ['select', { s: 'b' }, {}],
    ['select unknown option', { s: 'c' }, { s: 'errors.custom_field_option' }],
    ['multiselect', { m: ['a', 'b'] }, {}],
    ['multiselect duplicate', { m: ['a', 'a'] }, { m: 'errors.custom_field_option' }],
    ['multiselect not a list', { m: 'a' }, { m: 'errors.custom_field_option' }],
    ['checkbox', { c: false }, {}],
    ['checkbox as text', { c: 'yes' }, { c: 'errors.custom_field_checkbox' }],
    ['empty values are fine when optional', { t: '', n: null, m: [] }, {}],
    ['field of another type', { repairOnly: 'x' }, { repairOnly: 'errors.custom_field_unknown' }],
    ['retired field', { old: 'x' }, { old: 'errors.custom_field_unknown' }],
    ['unknown key', { nope: 1 }, { nope: 'errors.custom_field_unknown' }],
    ['routing key as text', { region: '广东', language: null }, {}],
    ['routing key not text', { productLine: 3 }, { productLine: 'errors.custom_field_text' }],
  ])('%s', (_name, values, expected) => {
    expect(codes(values)).toEqual(expected);
  });

  it('names the options in the caller language', () => {
    const [zh] = customFieldErrors(defs, 'inquiry', { s: 'z' }, 'zh-CN');
    const [en] = customFieldErrors(defs, 'inquiry', { s: 'z' }, 'en');
    expect([zh.params, en.params]).toEqual([{ values: '甲、乙' }, { values: 'A, B' }]);
  });

  it('required: on create every applicable one; on update only cleared or removed ones', () => {
    const req = [def('model', 'text', { required: true, ticketTypes: ['repair'] }), def('ok', 'checkbox', { required: true, ticketTypes: ['repair'] })];
    const check = (values: Record<string, unknown>, previous?: Record<string, unknown>, type: 'repair' | 'inquiry' = 'repair') =>
      customFieldErrors(req, type, values, 'en', previous).map((e) => `${e.path}:${e.code}`);
    expect(check({})).toEqual(['customFields.model:validation.required', 'customFields.ok:validation.required']);
    expect(check({ model: 'X', ok: false })).toEqual(['customFields.ok:errors.custom_field_checked']);
    expect(check({}, undefined, 'inquiry')).toEqual([]);
    expect(check({}, {})).toEqual([]);
    expect(check({ ok: true }, { model: 'X', ok: true })).toEqual(['customFields.model:validation.required']);
    expect(check({ model: '', ok: true }, { model: 'X', ok: true })).toEqual(['customFields.model:validation.required']);
    // unchanged values pass even if they would not fit any more
    expect(check({ model: 'X', ok: true, legacy: 1 }, { model: 'X', ok: true, legacy: 1 })).toEqual([]);
  });
});
