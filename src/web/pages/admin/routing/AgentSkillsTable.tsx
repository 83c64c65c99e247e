import { useEffect, useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Group, Modal, Stack, TagsInput, Text } from '@mantine/core';
import { IconInfoCircle, IconPencil } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AgentSkills, SkillKind, type AgentSkill } from '../../../../modules/tickets/routing.contract.ts';
import { User } from '../../../../platform/auth/users.contract.ts';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { api, request, toApiError, type ApiError } from '../../../api.ts';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { useApiGet } from '../../../lib/useApi.ts';

const Users = page(User);
/** The roles that take tickets or jobs; skills of others would never be used. */
const routedRoles = new Set(['agent', 'specialist', 'manager', 'field_engineer']);

/** Agents with their skills, regions, product lines and languages; edited per agent in a dialog. */
export function AgentSkillsTable() {
  const { t } = useTranslation();
  const users = useApiGet('/users', Users, { limit: 200, active: 'true' });
  const agents = (users.data?.items ?? []).filter((u) => u.roles.some((r) => routedRoles.has(r)));
  const [skills, setSkills] = useState<Map<string, AgentSkill[]>>(new Map());
  const [editing, setEditing] = useState<User | null>(null);
  const ids = agents.map((u) => u.id).join(',');

  useEffect(() => {
    if (!ids) return;
    let live = true;
    void Promise.all(ids.split(',').map(async (id) => [id, (await api.get(`/users/${id}/skills`, AgentSkills)).skills] as const))
      .then((rs) => live && setSkills(new Map(rs)))
      .catch(notifyError);
    return () => {
      live = false;
    };
  }, [ids]);

  const columns: Column<User>[] = [
    {
      key: 'agent',
      header: t('ticketConfig.routing.agent'),
      render: (u) => (
        <div>
          <Text size="sm" fw={500}>
            {u.name}
          </Text>
          <Text size="xs" c="dimmed">
            {u.roles.map((r) => t(`roles.${r}`)).join(' · ')}
          </Text>
        </div>
      ),
    },
    ...SkillKind.options.map(
      (kind): Column<User> => ({
        key: kind,
        header: t(`ticketConfig.routing.kind.${kind}`),
        render: (u) => {
          const mine = (skills.get(u.id) ?? []).filter((s) => s.kind === kind);
          return mine.length ? (
            <Group gap={4} data-testid={`skills-${kind}-${u.id}`}>
              {mine.map((s) => (
                <Badge key={s.value} size="sm" variant="light" tt="none">
                  {s.value}
                </Badge>
              ))}
            </Group>
          ) : (
            <Text size="xs" c="dimmed">
              {t('ticketConfig.routing.noSkills')}
            </Text>
          );
        },
      }),
    ),
    {
      key: 'actions',
      header: '',
      align: 'right',
      width: 60,
      render: (u) => (
        <ActionIcon variant="subtle" onClick={() => setEditing(u)} disabled={!skills.has(u.id)} aria-label={t('ticketConfig.routing.editSkills')} data-testid={`skills-edit-${u.id}`}>
          <IconPencil size={16} />
        </ActionIcon>
      ),
    },
  ];

  const list = { items: agents, loading: users.loading && !users.data, loadingMore: false, error: users.error, hasMore: false, loadMore: () => undefined, reload: users.reload };
  return (
    <Stack gap="md">
      <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
        {t('ticketConfig.routing.skillsHint')}
      </Alert>
      <DataTable list={list} columns={columns} rowKey={(u) => u.id} testId="agent-skills" emptyTitle={t('ticketConfig.routing.noAgents')} />
      {editing && (
        <SkillsModal
          user={editing}
          skills={skills.get(editing.id) ?? []}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setSkills((m) => new Map(m).set(editing.id, saved));
            notifySuccess(t('ticketConfig.routing.skillsSaved', { name: editing.name }));
            setEditing(null);
          }}
        />
      )}
    </Stack>
  );
}

function SkillsModal({ user, skills, onClose, onSaved }: { user: User; skills: AgentSkill[]; onClose: () => void; onSaved: (s: AgentSkill[]) => void }) {
  const { t } = useTranslation();
  const [values, setValues] = useState<Record<SkillKind, string[]>>(() => Object.fromEntries(SkillKind.options.map((k) => [k, skills.filter((s) => s.kind === k).map((s) => s.value)])) as Record<SkillKind, string[]>);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const body = { skills: SkillKind.options.flatMap((kind) => values[kind].map((value) => ({ kind, value: value.trim() })).filter((s) => s.value)) };
      const saved = await request('PUT', `/users/${user.id}/skills`, { body, schema: AgentSkills });
      onSaved(saved.skills);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('ticketConfig.routing.skillsTitle', { name: user.name })} size="lg" centered data-testid="skills-modal">
      <Stack gap="md">
        {SkillKind.options.map((kind) => (
          <TagsInput
            key={kind}
            label={t(`ticketConfig.routing.kind.${kind}`)}
            placeholder={t('ticketConfig.routing.addPlaceholder')}
            value={values[kind]}
            onChange={(v) => setValues((p) => ({ ...p, [kind]: v }))}
            maxTags={100}
            clearable
            data-testid={`skills-input-${kind}`}
          />
        ))}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={saving} onClick={() => void save()} data-testid="skills-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
