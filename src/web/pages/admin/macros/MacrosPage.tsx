import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Text } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { Macro } from '../../../../modules/tickets/macros.contract.ts';
import { api } from '../../../api.ts';
import { useAuth } from '../../../auth/AuthContext.tsx';
import { useConfirm } from '../../../components/confirm.tsx';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { useArrayList } from '../../../lib/arrayList.ts';
import { useDirectory } from '../../../lib/directory.ts';
import { MacroFormModal } from './MacroFormModal.tsx';

const Macros = z.array(Macro);

/** Admin: shared macros and the signed-in user's own (the API lists exactly these). */
export default function MacrosPage() {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const dir = useDirectory();
  const { me } = useAuth();
  const list = useArrayList('/macros', Macros);
  const [editing, setEditing] = useState<{ macro: Macro | null } | null>(null);

  const remove = async (m: Macro) => {
    const ok = await confirm({ title: t('ticketConfig.macros.deleteTitle'), message: t('ticketConfig.macros.deleteText', { name: m.name }), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await api.delete(`/macros/${m.id}`);
      notifySuccess(t('ticketConfig.macros.deleted', { name: m.name }));
    } catch (e) {
      notifyError(e);
    }
    list.reload();
  };

  const actionsOf = (m: Macro): string[] => {
    const a = m.actions;
    const out: string[] = [];
    if (a.status) out.push(`${t('tickets.statusLabel')}: ${t(`tickets.status.${a.status}`)}`);
    if (a.priority) out.push(`${t('tickets.priorityLabel')}: ${t(`tickets.priority.${a.priority}`)}`);
    if (a.addTags?.length) out.push(`${t('tickets.tags')}: +${a.addTags.join(', +')}`);
    if (a.teamId !== undefined) out.push(a.teamId === null ? t('ticketConfig.macros.clearTeam') : `${t('tickets.team')}: ${dir.teams.find((tm) => tm.id === a.teamId)?.name ?? '…'}`);
    if (a.assigneeId !== undefined) out.push(a.assigneeId === null ? t('ticketConfig.macros.clearAssignee') : `${t('tickets.assignee')}: ${dir.users.get(a.assigneeId)?.name ?? '…'}`);
    return out;
  };

  const columns: Column<Macro>[] = [
    {
      key: 'name',
      header: t('ticketConfig.macros.name'),
      render: (m) => (
        <div>
          <Group gap="xs">
            <Text size="sm" fw={500} data-testid="macro-row-name">
              {m.name}
            </Text>
            <Badge size="xs" variant="light" color={m.shared ? 'blue' : 'grape'} tt="none">
              {m.shared ? t('ticketConfig.macros.sharedBadge') : t('ticketConfig.macros.personalBadge')}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed" lineClamp={1} maw={420}>
            {m.body}
          </Text>
        </div>
      ),
    },
    { key: 'kind', header: t('ticketConfig.macros.kind'), width: 120, render: (m) => <Text size="sm">{m.kind === 'note' ? t('ticketConfig.macros.kindNote') : t('ticketConfig.macros.kindPublic')}</Text> },
    {
      key: 'actions',
      header: t('ticketConfig.macros.actions'),
      render: (m) => {
        const a = actionsOf(m);
        return a.length ? (
          <Group gap={4}>
            {a.map((x) => (
              <Badge key={x} size="sm" variant="outline" tt="none">
                {x}
              </Badge>
            ))}
          </Group>
        ) : (
          <Text size="xs" c="dimmed">
            {t('ticketConfig.macros.noActions')}
          </Text>
        );
      },
    },
    {
      key: 'buttons',
      header: '',
      align: 'right',
      width: 100,
      render: (m) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <ActionIcon variant="subtle" onClick={() => setEditing({ macro: m })} aria-label={t('common.edit')} data-testid="macro-edit">
            <IconPencil size={16} />
          </ActionIcon>
          <ActionIcon variant="subtle" color="red" onClick={() => void remove(m)} aria-label={t('common.delete')} data-testid="macro-delete">
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ),
    },
  ];

  return (
    <PageLayout
      title={t('ticketConfig.macros.title')}
      description={t('ticketConfig.macros.description')}
      testId="macros-page"
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ macro: null })} data-testid="macro-create">
          {t('ticketConfig.macros.create')}
        </Button>
      }
    >
      <DataTable list={list} columns={columns} rowKey={(m) => m.id} testId="macros" emptyTitle={t('ticketConfig.macros.empty')} />
      {editing && (
        <MacroFormModal
          macro={editing.macro}
          dir={dir}
          agentName={me?.name ?? ''}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            list.reload();
            notifySuccess(created ? t('ticketConfig.macros.created', { name: saved.name }) : t('ticketConfig.macros.saved', { name: saved.name }));
          }}
        />
      )}
    </PageLayout>
  );
}
