import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { IconEye, IconEyeOff, IconPencil, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { TicketFieldDef } from '../../../../modules/tickets/custom-fields.contract.ts';
import { api } from '../../../api.ts';
import { useConfirm } from '../../../components/confirm.tsx';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { useArrayList } from '../../../lib/arrayList.ts';
import { labelOf } from './CustomFieldInputs.tsx';
import { TicketFieldFormModal } from './TicketFieldFormModal.tsx';

const Defs = z.array(TicketFieldDef);

/** Admin: the custom ticket fields per ticket type (create, edit, deactivate). */
export default function TicketFieldsPage() {
  const { t, i18n } = useTranslation();
  const confirm = useConfirm();
  const list = useArrayList('/ticket-fields?activeOnly=false', Defs);
  const [editing, setEditing] = useState<{ def: TicketFieldDef | null } | null>(null);

  const setActive = async (d: TicketFieldDef, active: boolean) => {
    const name = labelOf(d, i18n.language);
    if (!active && !(await confirm({ title: t('ticketConfig.fields.deactivateTitle'), message: t('ticketConfig.fields.deactivateText', { name }), confirmLabel: t('ticketConfig.fields.deactivate'), danger: true }))) return;
    try {
      await api.patch(`/ticket-fields/${d.id}`, { version: d.version, active }, TicketFieldDef);
      notifySuccess(t(active ? 'ticketConfig.fields.activated' : 'ticketConfig.fields.deactivated', { name }));
    } catch (e) {
      notifyError(e);
    }
    list.reload();
  };

  const columns: Column<TicketFieldDef>[] = [
    { key: 'position', header: '#', width: 60, render: (d) => <Text size="sm">{d.position}</Text> },
    {
      key: 'label',
      header: t('ticketConfig.fields.label'),
      render: (d) => (
        <Group gap="xs" wrap="nowrap">
          <div>
            <Text size="sm" fw={500} data-testid="field-row-label">
              {labelOf(d, i18n.language)}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace">
              {d.key}
            </Text>
          </div>
          {d.required && (
            <Badge size="xs" color="orange" variant="light" tt="none">
              {t('ticketConfig.fields.required')}
            </Badge>
          )}
          {!d.active && (
            <Badge size="xs" color="gray" tt="none">
              {t('ticketConfig.fields.inactive')}
            </Badge>
          )}
        </Group>
      ),
    },
    {
      key: 'type',
      header: t('ticketConfig.fields.fieldType'),
      render: (d) => (
        <div>
          <Text size="sm">{t(`ticketConfig.fields.type.${d.fieldType}`)}</Text>
          {d.options.length > 0 && (
            <Text size="xs" c="dimmed" lineClamp={1} maw={260}>
              {d.options.map((o) => labelOf(o, i18n.language)).join(' · ')}
            </Text>
          )}
        </div>
      ),
    },
    {
      key: 'ticketTypes',
      header: t('ticketConfig.fields.ticketTypes'),
      render: (d) =>
        d.ticketTypes.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('ticketConfig.fields.allTypes')}
          </Text>
        ) : (
          <Group gap={4}>
            {d.ticketTypes.map((x) => (
              <Badge key={x} variant="light" tt="none" size="sm">
                {t(`tickets.type.${x}`)}
              </Badge>
            ))}
          </Group>
        ),
    },
    {
      key: 'actions',
      header: '',
      align: 'right',
      width: 100,
      render: (d) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <ActionIcon variant="subtle" onClick={() => setEditing({ def: d })} aria-label={t('common.edit')} data-testid="field-edit">
            <IconPencil size={16} />
          </ActionIcon>
          <Tooltip label={d.active ? t('ticketConfig.fields.deactivate') : t('ticketConfig.fields.activate')}>
            <ActionIcon variant="subtle" color={d.active ? 'red' : 'teal'} onClick={() => void setActive(d, !d.active)} aria-label={d.active ? t('ticketConfig.fields.deactivate') : t('ticketConfig.fields.activate')} data-testid="field-toggle-active">
              {d.active ? <IconEyeOff size={16} /> : <IconEye size={16} />}
            </ActionIcon>
          </Tooltip>
        </Group>
      ),
    },
  ];

  return (
    <PageLayout
      title={t('ticketConfig.fields.title')}
      description={t('ticketConfig.fields.description')}
      testId="ticket-fields-page"
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ def: null })} data-testid="field-create">
          {t('ticketConfig.fields.create')}
        </Button>
      }
    >
      <DataTable list={list} columns={columns} rowKey={(d) => d.id} testId="ticket-fields" emptyTitle={t('ticketConfig.fields.empty')} emptyDescription={t('ticketConfig.fields.emptyHint')} />
      {editing && (
        <TicketFieldFormModal
          def={editing.def}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            list.reload();
            const name = labelOf(saved, i18n.language);
            notifySuccess(created ? t('ticketConfig.fields.created', { name }) : t('ticketConfig.fields.saved', { name }));
          }}
        />
      )}
    </PageLayout>
  );
}
