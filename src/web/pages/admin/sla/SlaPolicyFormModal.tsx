import { useState } from 'react';
import { Button, Group, Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { useTiers } from '../../tiers/useTiers.ts';
import { SlaPolicy } from '../../../../modules/sla/sla.contract.ts';
import { Channel, TicketPriority, TicketType } from '../../../../modules/tickets/tickets.contract.ts';
import { api } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import { notifyError } from '../../../components/notify.ts';
import { MinutesInput } from './MinutesInput.tsx';

interface Props {
  opened: boolean;
  policy: SlaPolicy | null;
  calendars: { id: string; name: string; code: string }[];
  onClose: () => void;
  onSaved: (p: SlaPolicy, created: boolean) => void;
}

export function SlaPolicyFormModal(props: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.policy ? t('slaAdmin.editTitle', { name: props.policy.name }) : t('slaAdmin.createTitle')} size="xl" centered data-testid="sla-form-modal">
      <PolicyForm {...props} />
    </Modal>
  );
}

function valuesOf(p: SlaPolicy | null, defaultCalendar: string) {
  return {
    name: p?.name ?? '',
    position: p?.position ?? 100,
    active: p?.active ?? true,
    types: (p?.conditions.types ?? []) as string[],
    priorities: (p?.conditions.priorities ?? []) as string[],
    channels: (p?.conditions.channels ?? []) as string[],
    tiers: (p?.conditions.tiers ?? []) as string[],
    firstResponseMinutes: p?.firstResponseMinutes ?? null,
    nextResponseMinutes: p?.nextResponseMinutes ?? null,
    resolutionMinutes: p?.resolutionMinutes ?? null,
    calendar: p?.calendarId ?? defaultCalendar,
    warnAtPercent: p?.warnAtPercent ?? 80,
  };
}

function PolicyForm({ policy, calendars, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const tiers = useTiers();
  const [version, setVersion] = useState(policy?.version ?? 0);
  const [key, renewKey] = useIdempotencyKey();
  const defaultCalendar = calendars.find((c) => c.code === 'cn-standard')?.id ?? calendars[0]?.id ?? 'cn-standard';
  const form = useForm({ mode: 'controlled', initialValues: valuesOf(policy, defaultCalendar), validate: { name: (v) => (v.trim() ? null : t('validation.required')) } });
  const v = form.values;
  const { submit, submitting, error, clearError } = useSubmit(form, async (vals: typeof form.values) => {
    const body = {
      name: vals.name.trim(),
      position: Number(vals.position) || 0,
      active: vals.active,
      conditions: { types: vals.types, priorities: vals.priorities, channels: vals.channels, tiers: vals.tiers },
      firstResponseMinutes: vals.firstResponseMinutes,
      nextResponseMinutes: vals.nextResponseMinutes,
      resolutionMinutes: vals.resolutionMinutes,
      calendar: vals.calendar,
      warnAtPercent: Number(vals.warnAtPercent) || 80,
    };
    try {
      const saved = policy ? await api.patch(`/sla-policies/${policy.id}`, { version, ...body }, SlaPolicy) : await api.create('/sla-policies', body, SlaPolicy, key);
      renewKey();
      onSaved(saved, !policy);
    } catch (e) {
      renewKey();
      throw e;
    }
  });
  const reloadLatest = async () => {
    if (!policy) return;
    const all = await api.get('/sla-policies', SlaPolicy.array());
    const latest = all.find((p) => p.id === policy.id);
    if (latest) {
      setVersion(latest.version);
      form.setValues(valuesOf(latest, defaultCalendar));
    }
    clearError();
  };
  const opts = <T extends string>(values: readonly T[], label: (x: T) => string) => values.map((x) => ({ value: x, label: label(x) }));

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('slaAdmin.name')} required data-testid="sla-name" {...form.getInputProps('name')} />
          <NumberInput label={t('slaAdmin.position')} description={t('slaAdmin.positionHint')} min={0} max={10000} allowDecimal={false} data-testid="sla-position" {...form.getInputProps('position')} />
          <Switch mt="xl" label={t('slaAdmin.active')} data-testid="sla-active" {...form.getInputProps('active', { type: 'checkbox' })} />
        </SimpleGrid>
        <Text size="sm" fw={600}>
          {t('slaAdmin.conditions')}
        </Text>
        <Text size="xs" c="dimmed" mt={-12}>
          {t('slaAdmin.conditionsHint')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <MultiSelect label={t('tickets.typeLabel')} placeholder={t('slaAdmin.any')} data={opts(TicketType.options, (x) => t(`tickets.type.${x}`))} clearable data-testid="sla-types" {...form.getInputProps('types')} />
          <MultiSelect label={t('tickets.priorityLabel')} placeholder={t('slaAdmin.any')} data={opts(TicketPriority.options, (x) => t(`tickets.priority.${x}`))} clearable data-testid="sla-priorities" {...form.getInputProps('priorities')} />
          <MultiSelect label={t('tickets.channelLabel')} placeholder={t('slaAdmin.any')} data={opts(Channel.options, (x) => t(`tickets.channel.${x}`))} clearable data-testid="sla-channels" {...form.getInputProps('channels')} />
          <MultiSelect label={t('slaAdmin.tier')} placeholder={t('slaAdmin.any')} data={tiers.definitions.map((d) => ({ value: d.code, label: tiers.name(d.code) }))} clearable data-testid="sla-tiers" {...form.getInputProps('tiers')} />
        </SimpleGrid>
        <Text size="sm" fw={600}>
          {t('slaAdmin.targets')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <MinutesInput label={t('sla.target.first_response')} value={v.firstResponseMinutes} onChange={(x) => form.setFieldValue('firstResponseMinutes', x)} error={form.errors.firstResponseMinutes as string | undefined} testId="sla-first" />
          <MinutesInput label={t('sla.target.next_response')} value={v.nextResponseMinutes} onChange={(x) => form.setFieldValue('nextResponseMinutes', x)} error={form.errors.nextResponseMinutes as string | undefined} testId="sla-next" />
          <MinutesInput label={t('sla.target.resolution')} value={v.resolutionMinutes} onChange={(x) => form.setFieldValue('resolutionMinutes', x)} error={form.errors.resolutionMinutes as string | undefined} testId="sla-resolution" />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label={t('slaAdmin.calendar')} data={calendars.map((c) => ({ value: c.id, label: `${c.name} (${c.code})` }))} allowDeselect={false} data-testid="sla-calendar" {...form.getInputProps('calendar')} />
          <NumberInput label={t('slaAdmin.warnAt')} description={t('slaAdmin.warnAtHint')} min={1} max={99} suffix=" %" allowDecimal={false} data-testid="sla-warn" {...form.getInputProps('warnAtPercent')} />
        </SimpleGrid>
        <ErrorAlert error={error} onRetry={error?.isVersionConflict ? () => reloadLatest().catch(notifyError) : undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="sla-submit">
            {policy ? t('common.save') : t('slaAdmin.submitCreate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
