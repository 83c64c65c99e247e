import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Menu, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDots, IconKey, IconPencil, IconPlus, IconSearch, IconUserCheck, IconUserOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { roles } from '../../../../platform/auth/roles.contract.ts';
import { PasswordReset, User } from '../../../../platform/auth/users.contract.ts';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { api } from '../../../api.ts';
import { useAuth } from '../../../auth/AuthContext.tsx';
import { useConfirm } from '../../../components/confirm.tsx';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { RoleBadges } from '../../../components/RoleBadges.tsx';
import { SecretModal } from '../../../components/SecretModal.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';
import { UserFormModal } from './UserFormModal.tsx';

const UserPage = page(User);

type Editing = { user: User | null } | null;

export default function UsersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const confirm = useConfirm();
  const { allows, me } = useAuth();
  const canManage = allows('users.manage');
  const [q, setQ] = useState('');
  const [role, setRole] = useState<string | null>(null);
  const [active, setActive] = useState<string | null>('true');
  const [debouncedQ] = useDebouncedValue(q.trim(), 300);
  const list = useCursorList('/users', UserPage, { q: debouncedQ, role, active });
  const [editing, setEditing] = useState<Editing>(null);
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);

  const setActiveFlag = async (user: User, next: boolean) => {
    const ok = await confirm({
      title: next ? t('users.reactivateTitle') : t('users.deactivateTitle'),
      message: next ? t('users.reactivateText', { name: user.name }) : t('users.deactivateText', { name: user.name }),
      confirmLabel: next ? t('users.reactivate') : t('users.deactivate'),
      danger: !next,
    });
    if (!ok) return;
    try {
      const saved = await api.patch(`/users/${user.id}`, { version: user.version, active: next }, User);
      list.replace((u) => u.id === saved.id, saved);
      notifySuccess(next ? t('users.reactivated', { name: saved.name }) : t('users.deactivated', { name: saved.name }));
    } catch (e) {
      notifyError(e);
      list.reload();
    }
  };

  const resetPassword = async (user: User) => {
    const ok = await confirm({ title: t('users.resetTitle'), message: t('users.resetText', { name: user.name }), confirmLabel: t('users.resetPassword'), danger: true });
    if (!ok) return;
    try {
      const res = await api.post(`/users/${user.id}/reset-password`, {}, PasswordReset);
      if (res.temporaryPassword) setSecret({ title: t('users.tempPasswordFor', { name: user.name }), value: res.temporaryPassword });
      else notifySuccess(t('users.passwordReset'));
      list.reload();
    } catch (e) {
      notifyError(e);
    }
  };

  const columns: Column<User>[] = [
    {
      key: 'name',
      header: t('users.name'),
      render: (u) => (
        <div>
          <Text size="sm" fw={500} data-testid="user-row-name">
            {u.name}
          </Text>
          <Text size="xs" c="dimmed" data-testid="user-row-email">
            {u.email}
          </Text>
        </div>
      ),
    },
    { key: 'roles', header: t('users.roles'), render: (u) => <RoleBadges value={u.roles} /> },
    { key: 'phone', header: t('users.phone'), render: (u) => <Text size="sm">{u.phone || '—'}</Text> },
    {
      key: 'status',
      header: t('users.status'),
      render: (u) => (
        <Group gap={4}>
          <Badge variant="dot" color={u.active ? 'teal' : 'gray'} tt="none">
            {u.active ? t('users.active') : t('users.inactive')}
          </Badge>
          {u.lockedUntil && new Date(u.lockedUntil) > new Date() && (
            <Badge variant="light" color="orange" tt="none">
              {t('users.locked')}
            </Badge>
          )}
          {u.mustChangePassword && (
            <Badge variant="light" color="yellow" tt="none">
              {t('users.mustChange')}
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'lastLogin', header: t('users.lastLogin'), render: (u) => <Text size="sm">{fmt.dateTime(u.lastLoginAt)}</Text> },
  ];
  if (canManage)
    columns.push({
      key: 'actions',
      header: '',
      align: 'right',
      width: 100,
      render: (u) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <ActionIcon variant="subtle" onClick={() => setEditing({ user: u })} aria-label={t('common.edit')} data-testid="user-edit">
            <IconPencil size={16} />
          </ActionIcon>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={t('common.more')} data-testid="user-more">
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconKey size={16} />} onClick={() => void resetPassword(u)} data-testid="user-reset-password">
                {t('users.resetPassword')}
              </Menu.Item>
              {u.active ? (
                <Menu.Item color="red" leftSection={<IconUserOff size={16} />} disabled={u.id === me?.id} onClick={() => void setActiveFlag(u, false)} data-testid="user-deactivate">
                  {t('users.deactivate')}
                </Menu.Item>
              ) : (
                <Menu.Item leftSection={<IconUserCheck size={16} />} onClick={() => void setActiveFlag(u, true)} data-testid="user-reactivate">
                  {t('users.reactivate')}
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
        </Group>
      ),
    });

  const filters = (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <TextInput
        label={t('common.search')}
        placeholder={t('users.searchPlaceholder')}
        leftSection={<IconSearch size={16} />}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        w={280}
        data-testid="users-search"
      />
      <Select label={t('users.role')} placeholder={t('common.all')} clearable value={role} onChange={setRole} data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} w={180} data-testid="users-role-filter" />
      <Select
        label={t('users.status')}
        value={active ?? 'all'}
        onChange={(v) => setActive(v === 'all' ? null : v)}
        allowDeselect={false}
        data={[
          { value: 'all', label: t('common.all') },
          { value: 'true', label: t('users.active') },
          { value: 'false', label: t('users.inactive') },
        ]}
        w={150}
        data-testid="users-active-filter"
      />
    </Group>
  );

  return (
    <PageLayout
      title={t('users.title')}
      description={canManage ? t('users.description') : t('users.descriptionReadOnly')}
      testId="users-page"
      actions={
        canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ user: null })} data-testid="user-create">
            {t('users.create')}
          </Button>
        )
      }
    >
      <Stack>
        <DataTable list={list} columns={columns} rowKey={(u) => u.id} filters={filters} testId="users" emptyTitle={t('users.empty')} emptyDescription={t('common.emptyFiltered')} />
      </Stack>
      <UserFormModal
        opened={editing !== null}
        user={editing?.user ?? null}
        onClose={() => setEditing(null)}
        onSaved={(saved) => {
          setEditing(null);
          list.replace((u) => u.id === saved.id, saved);
          notifySuccess(t('users.saved', { name: saved.name }));
        }}
        onCreated={(created, temporaryPassword) => {
          setEditing(null);
          list.reload();
          notifySuccess(t('users.created', { name: created.name }));
          if (temporaryPassword) setSecret({ title: t('users.tempPasswordFor', { name: created.name }), value: temporaryPassword });
        }}
      />
      <SecretModal secret={secret?.value ?? null} title={secret?.title ?? ''} description={t('users.tempPasswordText')} onClose={() => setSecret(null)} />
    </PageLayout>
  );
}
