import { useEffect, useState } from 'react';
import { Button, Divider, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isEmptyValue } from '../../../../modules/tickets/custom-fields.contract.ts';
import type { Ticket } from '../../../../modules/tickets/tickets.contract.ts';
import { api, toApiError } from '../../../api.ts';
import { notifyError } from '../../../components/notify.ts';
import { CustomFieldInputs, splitCustomFieldErrors, useFieldDefs, type CustomValues } from './CustomFieldInputs.tsx';

interface Props {
  ticket: Pick<Ticket, 'id' | 'type' | 'customFields' | 'version'>;
  /** the ticket page's own PATCH (version, conflicts, reload) */
  onSave: (customFields: Ticket['customFields']) => void;
  disabled?: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? (v ? '✓' : '✗') : String(v));

/**
 * The custom fields of the ticket's type, edited together and saved with one change. The values are
 * checked by the server first (POST /ticket-fields/check) so that its errors land on the right input
 * before the ticket page sends its PATCH.
 */
export function TicketCustomFields({ ticket, onSave, disabled }: Props) {
  const { t } = useTranslation();
  const defs = useFieldDefs(ticket.type).data ?? [];
  const [values, setValues] = useState<CustomValues>(ticket.customFields);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [checking, setChecking] = useState(false);
  // a saved change (ours or someone else's) starts a fresh draft
  const stored = JSON.stringify(ticket.customFields);
  useEffect(() => {
    setValues(JSON.parse(stored) as CustomValues);
    setErrors({});
  }, [ticket.id, stored]);

  const defined = new Set(defs.map((d) => d.key));
  const others = Object.entries(ticket.customFields).filter(([k, v]) => !defined.has(k) && !isEmptyValue(v));
  const dirty = defs.some((d) => !same(isEmptyValue(values[d.key]) ? null : values[d.key], isEmptyValue(ticket.customFields[d.key]) ? null : ticket.customFields[d.key]));
  if (defs.length === 0 && others.length === 0) return null;

  const save = async () => {
    // the stored object is replaced as a whole: keep what this form does not show, drop what was cleared
    const next: Ticket['customFields'] = { ...ticket.customFields };
    for (const d of defs) {
      if (isEmptyValue(values[d.key])) delete next[d.key];
      else next[d.key] = values[d.key] as Ticket['customFields'][string];
    }
    setChecking(true);
    try {
      await api.post('/ticket-fields/check', { type: ticket.type, customFields: next, previous: ticket.customFields });
      setErrors({});
      onSave(next);
    } catch (e) {
      const err = toApiError(e);
      const { byKey } = splitCustomFieldErrors(err.fieldErrors);
      if (Object.keys(byKey).length) setErrors(byKey);
      else notifyError(err);
    } finally {
      setChecking(false);
    }
  };

  return (
    <Stack gap="xs" data-testid="ticket-custom-fields">
      <Divider label={t('ticketConfig.detailsTitle')} labelPosition="left" />
      <CustomFieldInputs defs={defs} values={values} errors={errors} onChange={(k, v) => {
          setValues((p) => ({ ...p, [k]: v }));
          setErrors((p) => ({ ...p, [k]: '' }));
        }} cols={2} size="xs" disabled={disabled} />
      {others.map(([k, v]) => (
        <Text key={k} size="xs" c="dimmed" data-testid={`cf-other-${k}`}>
          {k}: {show(v)}
        </Text>
      ))}
      {dirty && (
        <Group justify="flex-end" gap="xs">
          <Button size="xs" variant="default" onClick={() => {
              setValues(ticket.customFields);
              setErrors({});
            }}>
            {t('common.cancel')}
          </Button>
          <Button size="xs" loading={checking} disabled={disabled} onClick={() => void save()} data-testid="cf-save">
            {t('common.save')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
