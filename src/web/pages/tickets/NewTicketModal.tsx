import { useRef, useState } from 'react';
import { Button, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, TagsInput, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../../modules/customers/customers.contract.ts';
import { Channel, Ticket, TicketPriority, TicketType, type CreateTicket } from '../../../modules/tickets/tickets.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useIdempotencyKey } from '../../components/forms.ts';
import { UserSelect, type PickedUser } from '../../components/UserPicker.tsx';
import { useDirectory } from '../../lib/directory.ts';
import { mapFieldErrors } from '../../lib/fieldErrors.ts';
import { CustomerSelect } from './CustomerPicker.tsx';
import { CustomFieldInputs, filledValues, splitCustomFieldErrors, useFieldDefs, type CustomValues } from '../admin/ticket-fields/CustomFieldInputs.tsx';

interface Props {
  opened: boolean;
  onClose: () => void;
  onCreated: (ticket: Ticket) => void;
}

export function NewTicketModal(props: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('tickets.createTitle')} size="xl" centered data-testid="ticket-form-modal">
      <NewTicketForm {...props} />
    </Modal>
  );
}

const fieldNames = ['subject', 'description', 'type', 'priority', 'channel', 'customerId', 'customer', 'customer.name', 'customer.phone', 'customer.email', 'teamId', 'assigneeId', 'tags'];

function NewTicketForm({ onClose, onCreated }: Props) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const [key, renewKey] = useIdempotencyKey();
  const [mode, setModeState] = useState<'existing' | 'new'>('new');
  // read by the validation rules, which the form keeps from its first render
  const modeRef = useRef(mode);
  const setMode = (m: 'existing' | 'new') => {
    modeRef.current = m;
    setModeState(m);
  };
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [assignee, setAssignee] = useState<PickedUser | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // custom fields of the chosen type: values kept across type switches, only the current type's are sent
  const [custom, setCustom] = useState<{ values: CustomValues; errors: Record<string, string> }>({ values: {}, errors: {} });
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      subject: '',
      description: '',
      type: 'inquiry' as TicketType,
      priority: 'p3' as TicketPriority,
      channel: 'phone' as Channel,
      customer: { name: '', phone: '', email: '' },
      teamId: null as string | null,
      tags: [] as string[],
    },
    validate: {
      subject: (v) => (v.trim() ? null : t('validation.required')),
      // the server links a customer by phone or e-mail only; a name alone (or a malformed contact) would be dropped silently
      customer: {
        phone: (phone, values) => {
          if (modeRef.current !== 'new') return null;
          const { name, email } = values.customer;
          if (!name.trim() && !phone.trim() && !email.trim()) return null;
          if (phone.trim() && (phone.match(/\d/g) ?? []).length < 5) return t('tickets.phoneInvalid');
          if (email.trim() && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim())) return null;
          return phone.trim() || email.trim() ? null : t('tickets.contactNeeded');
        },
        email: (email) => (modeRef.current === 'new' && email.trim() && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim()) ? t('tickets.emailInvalid') : null),
      },
    },
  });

  const defs = useFieldDefs(form.values.type).data ?? [];

  const submit = async (v: typeof form.values) => {
    setSubmitting(true);
    setError(null);
    const contact = { name: v.customer.name.trim() || undefined, phone: v.customer.phone.trim() || undefined, email: v.customer.email.trim() || undefined };
    const body: Partial<CreateTicket> = {
      subject: v.subject.trim(),
      description: v.description,
      type: v.type,
      priority: v.priority,
      channel: v.channel,
      tags: v.tags,
      customFields: filledValues(defs, custom.values),
      ...(v.teamId ? { teamId: v.teamId } : {}),
      ...(assignee ? { assigneeId: assignee.id } : {}),
      ...(mode === 'existing' && customer ? { customerId: customer.id } : {}),
      ...(mode === 'new' && (contact.name || contact.phone || contact.email) ? { customer: contact } : {}),
    };
    try {
      const created = await api.create('/tickets', body, Ticket, key);
      onCreated(created);
    } catch (e) {
      const err = toApiError(e);
      const split = splitCustomFieldErrors(err.fieldErrors);
      setCustom((c) => ({ ...c, errors: split.byKey }));
      const { mapped, unmapped } = mapFieldErrors(split.rest, fieldNames);
      form.setErrors(mapped);
      if ((Object.keys(mapped).length === 0 && Object.keys(split.byKey).length === 0) || unmapped.length > 0) setError(err);
      renewKey();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={form.onSubmit((v) => void submit(v))} noValidate>
      <Stack gap="md">
        <TextInput label={t('tickets.subject')} required data-autofocus data-testid="ticket-subject" {...form.getInputProps('subject')} />
        <Textarea label={t('tickets.descriptionLabel')} autosize minRows={3} maxRows={10} data-testid="ticket-description" {...form.getInputProps('description')} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select label={t('tickets.typeLabel')} data={TicketType.options.map((x) => ({ value: x, label: t(`tickets.type.${x}`) }))} allowDeselect={false} data-testid="ticket-type" {...form.getInputProps('type')} />
          <Select label={t('tickets.priorityLabel')} data={TicketPriority.options.map((x) => ({ value: x, label: t(`tickets.priority.${x}`) }))} allowDeselect={false} data-testid="ticket-priority" {...form.getInputProps('priority')} />
          <Select label={t('tickets.channelLabel')} data={Channel.options.map((x) => ({ value: x, label: t(`tickets.channel.${x}`) }))} allowDeselect={false} data-testid="ticket-channel" {...form.getInputProps('channel')} />
        </SimpleGrid>
        <CustomFieldInputs defs={defs} values={custom.values} errors={custom.errors} onChange={(k, x) => setCustom((c) => ({ values: { ...c.values, [k]: x }, errors: { ...c.errors, [k]: '' } }))} cols={3} />
        <Stack gap={6}>
          <Group justify="space-between">
            <span style={{ fontSize: 'var(--mantine-font-size-sm)', fontWeight: 500 }}>{t('tickets.customer')}</span>
            <SegmentedControl
              size="xs"
              value={mode}
              onChange={(m) => setMode(m === 'existing' ? 'existing' : 'new')}
              data={[
                { value: 'new', label: t('tickets.customerNew') },
                { value: 'existing', label: t('tickets.customerExisting') },
              ]}
              data-testid="ticket-customer-mode"
            />
          </Group>
          {mode === 'existing' ? (
            <CustomerSelect value={customer} onChange={setCustomer} error={form.errors.customerId} data-testid="ticket-customer-search" />
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput placeholder={t('tickets.customerName')} aria-label={t('tickets.customerName')} data-testid="ticket-customer-name" {...form.getInputProps('customer.name')} />
              <TextInput placeholder={t('tickets.customerPhone')} aria-label={t('tickets.customerPhone')} data-testid="ticket-customer-phone" {...form.getInputProps('customer.phone')} error={form.errors['customer.phone'] ?? form.errors.customer} />
              <TextInput placeholder={t('tickets.customerEmail')} aria-label={t('tickets.customerEmail')} data-testid="ticket-customer-email" {...form.getInputProps('customer.email')} />
            </SimpleGrid>
          )}
        </Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label={t('tickets.team')} data={dir.teams.map((tm) => ({ value: tm.id, label: tm.name }))} clearable searchable data-testid="ticket-team" {...form.getInputProps('teamId')} />
          <UserSelect label={t('tickets.assignee')} value={assignee} onChange={setAssignee} activeOnly error={form.errors.assigneeId} data-testid="ticket-assignee" />
        </SimpleGrid>
        <TagsInput label={t('tickets.tags')} placeholder={t('tickets.tagsPlaceholder')} data-testid="ticket-tags" {...form.getInputProps('tags')} />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="ticket-submit">
            {t('tickets.submitCreate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
