import { useState } from 'react';
import { ActionIcon, Avatar, Badge, Button, Group, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCrown, IconPencil, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Team } from '../../../../platform/teams/teams.contract.ts';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { api } from '../../../api.ts';
import { useAuth } from '../../../auth/AuthContext.tsx';
import { useConfirm } from '../../../components/confirm.tsx';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';
import { TeamFormModal } from './TeamFormModal.tsx';

const TeamPage = page(Team);

export default function TeamsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const confirm = useConfirm();
  const canManage = useAuth().allows('teams.manage');
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 300);
  const list = useCursorList('/teams', TeamPage, { q: debouncedQ });
  const [editing, setEditing] = useState<{ team: Team | null } | null>(null);

  const remove = async (team: Team) => {
    const ok = await confirm({ title: t('teams.deleteTitle'), message: t('teams.deleteText', { name: team.name }), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await api.delete(`/teams/${team.id}`, { version: team.version });
      notifySuccess(t('teams.deleted', { name: team.name }));
    } catch (e) {
      notifyError(e);
    }
    list.reload();
  };

  const columns: Column<Team>[] = [
    {
      key: 'name',
      header: t('teams.name'),
      render: (tm) => (
        <div>
          <Text size="sm" fw={500} data-testid="team-row-name">
            {tm.name}
          </Text>
          {tm.description && (
            <Text size="xs" c="dimmed" lineClamp={1}>
              {tm.description}
            </Text>
          )}
        </div>
      ),
    },
    {
      key: 'members',
      header: t('teams.members'),
      render: (tm) =>
        tm.members.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('teams.noMembers')}
          </Text>
        ) : (
          <Group gap={6}>
            <Tooltip.Group openDelay={200}>
              <Avatar.Group spacing="xs">
                {tm.members.slice(0, 6).map((m) => (
                  <Tooltip key={m.userId} label={m.name} withArrow>
                    <Avatar size={28} radius="xl" color={m.isLead ? 'yellow' : 'blue'}>
                      {m.name.slice(0, 1)}
                    </Avatar>
                  </Tooltip>
                ))}
              </Avatar.Group>
            </Tooltip.Group>
            <Text size="xs" c="dimmed">
              {t('teams.memberCount', { count: tm.members.length })}
            </Text>
          </Group>
        ),
    },
    {
      key: 'leads',
      header: t('teams.leads'),
      render: (tm) => (
        <Group gap={4}>
          {tm.members
            .filter((m) => m.isLead)
            .map((m) => (
              <Badge key={m.userId} variant="light" color="yellow" leftSection={<IconCrown size={12} />} tt="none">
                {m.name}
              </Badge>
            ))}
        </Group>
      ),
    },
    { key: 'updated', header: t('common.updatedAt'), render: (tm) => <Text size="sm">{fmt.dateTime(tm.updatedAt)}</Text> },
  ];
  if (canManage)
    columns.push({
      key: 'actions',
      header: '',
      align: 'right',
      width: 100,
      render: (tm) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <ActionIcon variant="subtle" onClick={() => setEditing({ team: tm })} aria-label={t('common.edit')} data-testid="team-edit">
            <IconPencil size={16} />
          </ActionIcon>
          <ActionIcon variant="subtle" color="red" onClick={() => void remove(tm)} aria-label={t('common.delete')} data-testid="team-delete">
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ),
    });

  return (
    <PageLayout
      title={t('teams.title')}
      description={t('teams.description')}
      testId="teams-page"
      actions={
        canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ team: null })} data-testid="team-create">
            {t('teams.create')}
          </Button>
        )
      }
    >
      <DataTable
        list={list}
        columns={columns}
        rowKey={(tm) => tm.id}
        testId="teams"
        emptyTitle={t('teams.empty')}
        filters={<TextInput placeholder={t('teams.searchPlaceholder')} leftSection={<IconSearch size={16} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={320} data-testid="teams-search" />}
      />
      <TeamFormModal
        opened={editing !== null}
        team={editing?.team ?? null}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          setEditing(null);
          if (created) list.reload();
          else list.replace((x) => x.id === saved.id, saved);
          notifySuccess(created ? t('teams.created', { name: saved.name }) : t('teams.saved', { name: saved.name }));
        }}
      />
    </PageLayout>
  );
}
