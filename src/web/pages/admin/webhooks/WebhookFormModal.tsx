import { useState } from 'react';
import { Button, Group, Modal, MultiSelect, Stack, Switch, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { WebhookCreated, WebhookSubscription } from '../../../../platform/webhooks/webhooks.contract.ts';
import { api } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import { notifyError } from '../../../components/notify.ts';
import { useApiGet } from '../../../lib/useApi.ts';

interface Props {
  opened: boolean;
  webhook: WebhookSubscription | null;
  onClose: () => void;
  onCreated: (created: WebhookCreated) => void;
  onSaved: (saved: WebhookSubscription) => void;
}

const EventTypes = z.array(z.string());
export const ALL_EVENTS = '*';

export function WebhookFormModal(props: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.webhook ? t('webhooks.editTitle') : t('webhooks.createTitle')} size="lg" centered data-testid="webhook-form-modal">
      <WebhookForm {...props} />
    </Modal>
  );
}

function valuesOf(w: WebhookSubscription | null) {
  return { url: w?.url ?? 'https://', description: w?.description ?? '', events: w?.events ?? [], active: w?.active ?? true };
}

function WebhookForm({ webhook, onClose, onCreated, onSaved }: Props) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(webhook?.version ?? 0);
  const [key, renewKey] = useIdempotencyKey();
  const types = useApiGet('/webhooks/event-types', EventTypes);
  const form = useForm({
    mode: 'controlled',
    initialValues: valuesOf(webhook),
    validate: {
      url: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) && v.trim().length > 'https://'.length ? null : t('webhooks.urlInvalid')),
      events: (v) => (v.length ? null : t('validation.pickOne')),
    },
  });
  const eventOptions = [...new Set([ALL_EVENTS, ...(types.data ?? []), ...form.values.events])].map((e) => ({ value: e, label: e === ALL_EVENTS ? t('webhooks.allEvents') : e }));

  const onEventsChange = (next: string[]) => {
    // "all events" excludes single ones: picking it clears the rest, picking a single one clears it
    const addedAll = next.includes(ALL_EVENTS) && !form.values.events.includes(ALL_EVENTS);
    form.setFieldValue('events', addedAll ? [ALL_EVENTS] : next.length > 1 ? next.filter((e) => e !== ALL_EVENTS) : next);
  };

  const { submit, submitting, error, clearError } = useSubmit(form, async (v: typeof form.values) => {
    const body = { url: v.url.trim(), description: v.description.trim(), events: v.events };
    try {
      if (webhook) onSaved(await api.patch(`/webhooks/${webhook.id}`, { version, ...body, active: v.active }, WebhookSubscription));
      else onCreated(await api.create('/webhooks', body, WebhookCreated, key));
      renewKey();
    } catch (e) {
      renewKey();
      throw e;
    }
  });

  const reloadLatest = async () => {
    if (!webhook) return;
    const latest = await api.get(`/webhooks/${webhook.id}`, WebhookSubscription);
    setVersion(latest.version);
    form.setValues(valuesOf(latest));
    clearError();
  };

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <TextInput label={t('webhooks.url')} description={t('webhooks.urlHint')} required data-testid="webhook-url" {...form.getInputProps('url')} />
        <Textarea label={t('webhooks.descriptionLabel')} autosize minRows={2} maxRows={4} data-testid="webhook-description" {...form.getInputProps('description')} />
        <MultiSelect
          label={t('webhooks.events')}
          description={t('webhooks.eventsHint')}
          required
          searchable
          data={eventOptions}
          nothingFoundMessage={t('common.nothingFound')}
          data-testid="webhook-events"
          {...form.getInputProps('events')}
          onChange={onEventsChange}
        />
        {types.error && <ErrorAlert error={types.error} onRetry={types.reload} />}
        {webhook && <Switch label={t('webhooks.active')} data-testid="webhook-active" {...form.getInputProps('active', { type: 'checkbox' })} />}
        <ErrorAlert error={error} onRetry={error?.isVersionConflict ? () => reloadLatest().catch(notifyError) : undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="webhook-submit">
            {webhook ? t('common.save') : t('webhooks.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
