import { useState } from 'react';
import { ActionIcon, Button, Group, Input, Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { choiceFieldTypes, CustomFieldType, TicketFieldDef, type FieldOption } from '../../../../modules/tickets/custom-fields.contract.ts';
import { TicketType } from '../../../../modules/tickets/tickets.contract.ts';
import { api } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import { notifyError } from '../../../components/notify.ts';
import { labelOf } from './CustomFieldInputs.tsx';

interface Props {
  def: TicketFieldDef | null;
  onClose: () => void;
  onSaved: (d: TicketFieldDef, created: boolean) => void;
}

export function TicketFieldFormModal(props: Props) {
  const { t, i18n } = useTranslation();
  return (
    <Modal opened onClose={props.onClose} title={props.def ? t('ticketConfig.fields.editTitle', { name: labelOf(props.def, i18n.language) }) : t('ticketConfig.fields.createTitle')} size="xl" centered data-testid="field-form-modal">
      <FieldForm {...props} />
    </Modal>
  );
}

function valuesOf(d: TicketFieldDef | null) {
  return {
    key: d?.key ?? '',
    labelZh: d?.labelZh ?? '',
    labelEn: d?.labelEn ?? '',
    fieldType: (d?.fieldType ?? 'text') as CustomFieldType,
    options: (d?.options ?? []) as FieldOption[],
    required: d?.required ?? false,
    ticketTypes: (d?.ticketTypes ?? []) as string[],
    position: d?.position ?? 100,
    active: d?.active ?? true,
  };
}

function FieldForm({ def, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(def?.version ?? 0);
  const [key, renewKey] = useIdempotencyKey();
  const required = (v: string) => (v.trim() ? null : t('validation.required'));
  const form = useForm({
    mode: 'controlled',
    initialValues: valuesOf(def),
    validate: {
      key: (v) => (def ? null : /^[a-zA-Z][a-zA-Z0-9_]{0,59}$/.test(v.trim()) ? null : t('ticketConfig.fields.keyHint')),
      labelZh: required,
      labelEn: required,
      options: { value: required, labelZh: required, labelEn: required },
    },
  });
  const v = form.values;
  const choice = choiceFieldTypes.includes(v.fieldType);
  const { submit, submitting, error, clearError } = useSubmit(form, async (vals: typeof form.values) => {
    const options = choiceFieldTypes.includes(vals.fieldType) ? vals.options.map((o) => ({ value: o.value.trim(), labelZh: o.labelZh.trim(), labelEn: o.labelEn.trim() })) : [];
    const common = {
      labelZh: vals.labelZh.trim(),
      labelEn: vals.labelEn.trim(),
      options,
      required: vals.required,
      ticketTypes: vals.ticketTypes,
      position: Number(vals.position) || 0,
      active: vals.active,
    };
    try {
      const saved = def
        ? await api.patch(`/ticket-fields/${def.id}`, { version, ...common }, TicketFieldDef)
        : await api.create('/ticket-fields', { key: vals.key.trim(), fieldType: vals.fieldType, ...common }, TicketFieldDef, key);
      renewKey();
      onSaved(saved, !def);
    } catch (e) {
      renewKey();
      throw e;
    }
  });
  const reloadLatest = async () => {
    if (!def) return;
    const latest = await api.get(`/ticket-fields/${def.id}`, TicketFieldDef);
    setVersion(latest.version);
    form.setValues(valuesOf(latest));
    clearError();
  };
  const move = (i: number) => form.reorderListItem('options', { from: i, to: i - 1 });

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('ticketConfig.fields.key')} description={t('ticketConfig.fields.keyHint')} required disabled={!!def} ff="monospace" data-testid="field-key" {...form.getInputProps('key')} />
          <Select
            label={t('ticketConfig.fields.fieldType')}
            description={def ? t('ticketConfig.fields.fieldTypeFixed') : undefined}
            data={CustomFieldType.options.map((x) => ({ value: x, label: t(`ticketConfig.fields.type.${x}`) }))}
            allowDeselect={false}
            disabled={!!def}
            data-testid="field-type"
            {...form.getInputProps('fieldType')}
          />
          <TextInput label={t('ticketConfig.fields.labelZh')} required data-testid="field-label-zh" {...form.getInputProps('labelZh')} />
          <TextInput label={t('ticketConfig.fields.labelEn')} required data-testid="field-label-en" {...form.getInputProps('labelEn')} />
        </SimpleGrid>
        <MultiSelect
          label={t('ticketConfig.fields.ticketTypes')}
          placeholder={t('ticketConfig.fields.allTypes')}
          data={TicketType.options.map((x) => ({ value: x, label: t(`tickets.type.${x}`) }))}
          clearable
          data-testid="field-ticket-types"
          {...form.getInputProps('ticketTypes')}
        />
        {choice && (
          <Input.Wrapper label={t('ticketConfig.fields.options')} description={t('ticketConfig.fields.optionsHint')} required error={typeof form.errors.options === 'string' ? form.errors.options : undefined}>
            <Stack gap={6} mt={6} data-testid="field-options">
              {v.options.map((_, i) => (
                <Group key={i} gap={6} wrap="nowrap" align="flex-start">
                  <TextInput size="xs" placeholder={t('ticketConfig.fields.optionValue')} aria-label={t('ticketConfig.fields.optionValue')} ff="monospace" style={{ flex: 1 }} data-testid={`option-value-${i}`} {...form.getInputProps(`options.${i}.value`)} />
                  <TextInput size="xs" placeholder={t('ticketConfig.fields.optionLabelZh')} aria-label={t('ticketConfig.fields.optionLabelZh')} style={{ flex: 1.4 }} data-testid={`option-zh-${i}`} {...form.getInputProps(`options.${i}.labelZh`)} />
                  <TextInput size="xs" placeholder={t('ticketConfig.fields.optionLabelEn')} aria-label={t('ticketConfig.fields.optionLabelEn')} style={{ flex: 1.4 }} data-testid={`option-en-${i}`} {...form.getInputProps(`options.${i}.labelEn`)} />
                  <ActionIcon variant="subtle" disabled={i === 0} onClick={() => move(i)} aria-label={t('ticketConfig.fields.moveUp')}>
                    <IconArrowUp size={14} />
                  </ActionIcon>
                  <ActionIcon variant="subtle" color="red" onClick={() => form.removeListItem('options', i)} aria-label={t('common.remove')} data-testid={`option-remove-${i}`}>
                    <IconTrash size={14} />
                  </ActionIcon>
                </Group>
              ))}
              <Group>
                <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('options', { value: '', labelZh: '', labelEn: '' })} data-testid="option-add">
                  {t('ticketConfig.fields.addOption')}
                </Button>
              </Group>
            </Stack>
          </Input.Wrapper>
        )}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput label={t('ticketConfig.fields.position')} description={t('ticketConfig.fields.positionHint')} min={0} max={10000} allowDecimal={false} data-testid="field-position" {...form.getInputProps('position')} />
          <Switch mt="xl" label={t('ticketConfig.fields.required')} data-testid="field-required" {...form.getInputProps('required', { type: 'checkbox' })} />
          <Switch mt="xl" label={t('ticketConfig.fields.active')} data-testid="field-active" {...form.getInputProps('active', { type: 'checkbox' })} />
        </SimpleGrid>
        <Text size="xs" c="dimmed" mt={-8}>
          {t('ticketConfig.fields.requiredHint')}
        </Text>
        <ErrorAlert error={error} onRetry={error?.isVersionConflict ? () => reloadLatest().catch(notifyError) : undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="field-submit">
            {def ? t('common.save') : t('ticketConfig.fields.submitCreate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
