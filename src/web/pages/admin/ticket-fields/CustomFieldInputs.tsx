import { Checkbox, MultiSelect, NumberInput, Select, SimpleGrid, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { isEmptyValue, TicketFieldDef } from '../../../../modules/tickets/custom-fields.contract.ts';
import type { Ticket, TicketType } from '../../../../modules/tickets/tickets.contract.ts';
import type { FieldError } from '../../../api.ts';
import { useApiGet } from '../../../lib/useApi.ts';

export type CustomValues = Record<string, unknown>;
const Defs = z.array(TicketFieldDef);

/** The active custom fields of one ticket type, in form order. */
export function useFieldDefs(type: TicketType | null) {
  return useApiGet(type ? '/ticket-fields' : null, Defs, type ? { type } : undefined);
}

/** A definition's (or option's) label in the UI language. */
export function labelOf(x: { labelZh: string; labelEn: string }, language: string): string {
  return language.startsWith('zh') ? x.labelZh : x.labelEn;
}

/** The server's `customFields.<key>` errors by key; the other errors stay for the form's own fields. */
export function splitCustomFieldErrors(errors: FieldError[]): { byKey: Record<string, string>; rest: FieldError[] } {
  const byKey: Record<string, string> = {};
  const rest: FieldError[] = [];
  for (const e of errors) {
    const m = /^(?:body\.)?customFields\.(.+)$/.exec(e.path);
    if (m) byKey[m[1]] ??= e.message;
    else rest.push(e);
  }
  return { byKey, rest };
}

/** What to send: the values of these definitions that are filled in (blank inputs are left out). */
export function filledValues(defs: readonly TicketFieldDef[], values: CustomValues): Ticket['customFields'] {
  const out: Ticket['customFields'] = {};
  // the inputs only produce these shapes (string, number, boolean, string[])
  for (const d of defs) if (!isEmptyValue(values[d.key])) out[d.key] = values[d.key] as Ticket['customFields'][string];
  return out;
}

interface InputProps {
  def: TicketFieldDef;
  value: unknown;
  onChange: (v: unknown) => void;
  error?: string;
  size?: 'xs' | 'sm';
  disabled?: boolean;
}

/** One input of the kind the definition names; the value has the shape the server checks. */
export function CustomFieldInput({ def, value, onChange, error, size = 'sm', disabled }: InputProps) {
  const { i18n } = useTranslation();
  const common = { label: labelOf(def, i18n.language), required: def.required, error, size, disabled, 'data-testid': `cf-${def.key}` };
  const data = def.options.map((o) => ({ value: o.value, label: labelOf(o, i18n.language) }));
  switch (def.fieldType) {
    case 'text':
      return <TextInput {...common} value={typeof value === 'string' ? value : ''} maxLength={200} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'textarea':
      return <Textarea {...common} autosize minRows={2} maxRows={6} maxLength={2000} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'number':
      return <NumberInput {...common} value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(typeof v === 'number' ? v : null)} />;
    case 'date':
      return <TextInput {...common} type="date" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value || null)} />;
    case 'select':
      return <Select {...common} data={data} clearable searchable value={typeof value === 'string' ? value : null} onChange={(v) => onChange(v)} comboboxProps={{ withinPortal: true }} />;
    case 'multiselect':
      return <MultiSelect {...common} data={data} clearable searchable value={Array.isArray(value) ? (value as string[]) : []} onChange={(v) => onChange(v)} comboboxProps={{ withinPortal: true }} />;
    case 'checkbox':
      return <Checkbox mt={size === 'xs' ? 4 : 'xl'} label={common.label} size={size} required={def.required} error={error} disabled={disabled} data-testid={common['data-testid']} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  }
}

interface GridProps {
  defs: readonly TicketFieldDef[];
  values: CustomValues;
  errors: Record<string, string>;
  onChange: (key: string, value: unknown) => void;
  cols?: number;
  size?: 'xs' | 'sm';
  disabled?: boolean;
}

/** The custom fields of a ticket type as a grid of inputs (long text takes a whole row). */
export function CustomFieldInputs({ defs, values, errors, onChange, cols = 2, size, disabled }: GridProps) {
  if (defs.length === 0) return null;
  return (
    <SimpleGrid cols={{ base: 1, sm: cols }} spacing="sm" data-testid="custom-fields">
      {defs.map((d) => (
        <div key={d.id} style={d.fieldType === 'textarea' || d.fieldType === 'multiselect' ? { gridColumn: '1 / -1' } : undefined}>
          <CustomFieldInput def={d} value={values[d.key]} error={errors[d.key]} onChange={(v) => onChange(d.key, v)} size={size} disabled={disabled} />
        </div>
      ))}
    </SimpleGrid>
  );
}
