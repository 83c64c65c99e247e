import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { SlaPolicy } from '../../../../modules/sla/sla.contract.ts';
import { CalendarSummary } from '../../../../platform/calendar/calendar.contract.ts';
import { api } from '../../../api.ts';
import { useConfirm } from '../../../components/confirm.tsx';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { useArrayList } from '../../../lib/arrayList.ts';
import { useApiGet } from '../../../lib/useApi.ts';
import { useMinutesLabel } from './MinutesInput.tsx';
import { SlaPolicyFormModal } from './SlaPolicyFormModal.tsx';
import { useTiers } from '../../tiers/useTiers.ts';

const Policies = z.array(SlaPolicy);
const Calendars = z.array(CalendarSummary);

export default function SlaPoliciesPage() {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const minutes = useMinutesLabel();
  const tiers = useTiers();
  const list = useArrayList('/sla-policies', Policies);
  const calendars = useApiGet('/calendars', Calendars);
  const [editing, setEditing] = useState<{ policy: SlaPolicy | null } | null>(null);
  const calName = (id: string) => calendars.data?.find((c) => c.id === id)?.name ?? '…';

  const remove = async (p: SlaPolicy) => {
    const ok = await confirm({ title: t('slaAdmin.deleteTitle'), message: t('slaAdmin.deleteText', { name: p.name }), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await api.delete(`/sla-policies/${p.id}`, { version: p.version });
      notifySuccess(t('slaAdmin.deleted', { name: p.name }));
    } catch (e) {
      notifyError(e);
    }
    list.reload();
  };

  const chips = (p: SlaPolicy) => {
    const c = p.conditions;
    const all = [
      ...c.types.map((x) => t(`tickets.type.${x}`)),
      ...c.priorities.map((x) => t(`tickets.priority.${x}`)),
      ...c.channels.map((x) => t(`tickets.channel.${x}`)),
      ...c.tiers.map((x) => tiers.name(x)),
    ];
    if (all.length === 0)
      return (
        <Text size="sm" c="dimmed">
          {t('slaAdmin.allTickets')}
        </Text>
      );
    return (
      <Group gap={4}>
        {all.map((x) => (
          <Badge key={x} variant="light" tt="none" size="sm">
            {x}
          </Badge>
        ))}
      </Group>
    );
  };

  const columns: Column<SlaPolicy>[] = [
    { key: 'position', header: '#', width: 60, render: (p) => <Text size="sm">{p.position}</Text> },
    {
      key: 'name',
      header: t('slaAdmin.name'),
      render: (p) => (
        <Group gap="xs">
          <Text size="sm" fw={500} data-testid="sla-row-name">
            {p.name}
          </Text>
          {!p.active && (
            <Badge size="xs" color="gray" tt="none">
              {t('slaAdmin.inactive')}
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'conditions', header: t('slaAdmin.conditions'), render: chips },
    {
      key: 'targets',
      header: t('slaAdmin.targets'),
      render: (p) => (
        <Stack gap={0}>
          <Text size="xs">
            {t('sla.target.first_response')}: {minutes(p.firstResponseMinutes)}
          </Text>
          <Text size="xs">
            {t('sla.target.next_response')}: {minutes(p.nextResponseMinutes)}
          </Text>
          <Text size="xs">
            {t('sla.target.resolution')}: {minutes(p.resolutionMinutes)}
          </Text>
        </Stack>
      ),
    },
    { key: 'calendar', header: t('slaAdmin.calendar'), render: (p) => <Text size="sm">{calName(p.calendarId)}</Text> },
    { key: 'warn', header: t('slaAdmin.warnAtShort'), width: 80, render: (p) => <Text size="sm">{p.warnAtPercent}%</Text> },
    {
      key: 'actions',
      header: '',
      align: 'right',
      width: 100,
      render: (p) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <ActionIcon variant="subtle" onClick={() => setEditing({ policy: p })} aria-label={t('common.edit')} data-testid="sla-edit">
            <IconPencil size={16} />
          </ActionIcon>
          <ActionIcon variant="subtle" color="red" onClick={() => void remove(p)} aria-label={t('common.delete')} data-testid="sla-delete">
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ),
    },
  ];

  return (
    <PageLayout
      title={t('slaAdmin.title')}
      description={t('slaAdmin.description')}
      testId="sla-policies-page"
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ policy: null })} data-testid="sla-create">
          {t('slaAdmin.create')}
        </Button>
      }
    >
      <DataTable list={{ ...list, items: [...list.items].sort((a, b) => a.position - b.position) }} columns={columns} rowKey={(p) => p.id} testId="sla-policies" emptyTitle={t('slaAdmin.empty')} />
      {editing && (
        <SlaPolicyFormModal
          opened
          policy={editing.policy}
          calendars={calendars.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            list.reload();
            notifySuccess(created ? t('slaAdmin.created', { name: saved.name }) : t('slaAdmin.saved', { name: saved.name }));
          }}
        />
      )}
    </PageLayout>
  );
}
