import { useState } from 'react';
import { ActionIcon, Button, Checkbox, Group, Modal, Paper, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Team } from '../../../../platform/teams/teams.contract.ts';
import { api } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import { notifyError } from '../../../components/notify.ts';
import { UserMultiSelect, type PickedUser } from '../../../components/UserPicker.tsx';

interface Props {
  opened: boolean;
  team: Team | null;
  onClose: () => void;
  onSaved: (team: Team, created: boolean) => void;
}

interface Member {
  userId: string;
  name: string;
  email: string;
  isLead: boolean;
}

export function TeamFormModal(props: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.team ? t('teams.editTitle', { name: props.team.name }) : t('teams.createTitle')} size="xl" centered data-testid="team-form-modal">
      <TeamForm {...props} />
    </Modal>
  );
}

function valuesOf(team: Team | null) {
  return { name: team?.name ?? '', description: team?.description ?? '', members: (team?.members ?? []).map((m) => ({ ...m })) as Member[] };
}

function TeamForm({ team, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(team?.version ?? 0);
  const [key, renewKey] = useIdempotencyKey();
  const form = useForm({
    mode: 'controlled',
    initialValues: valuesOf(team),
    validate: { name: (v) => (v.trim() ? null : t('validation.required')) },
  });
  const members = form.values.members;
  const setMembers = (picked: PickedUser[]) =>
    form.setFieldValue(
      'members',
      picked.map((u) => members.find((m) => m.userId === u.id) ?? { userId: u.id, name: u.name, email: u.email, isLead: false }),
    );

  const { submit, submitting, error, clearError } = useSubmit(form, async (v: typeof form.values) => {
    const body = { name: v.name.trim(), description: v.description.trim(), members: v.members.map((m) => ({ userId: m.userId, isLead: m.isLead })) };
    try {
      const saved = team ? await api.patch(`/teams/${team.id}`, { version, ...body }, Team) : await api.create('/teams', body, Team, key);
      renewKey();
      onSaved(saved, !team);
    } catch (e) {
      renewKey();
      throw e;
    }
  });

  const reloadLatest = async () => {
    if (!team) return;
    const latest = await api.get(`/teams/${team.id}`, Team);
    setVersion(latest.version);
    form.setValues(valuesOf(latest));
    clearError();
  };

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <TextInput label={t('teams.name')} required data-testid="team-name" {...form.getInputProps('name')} />
        <Textarea label={t('teams.descriptionLabel')} autosize minRows={2} maxRows={5} data-testid="team-description" {...form.getInputProps('description')} />
        <UserMultiSelect
          label={t('teams.members')}
          value={members.map((m) => ({ id: m.userId, name: m.name, email: m.email }))}
          onChange={setMembers}
          error={form.errors.members}
          data-testid="team-members"
        />
        {members.length > 0 && (
          <Paper withBorder radius="md">
            <Table verticalSpacing={6} data-testid="team-member-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('users.name')}</Table.Th>
                  <Table.Th w={110}>{t('teams.lead')}</Table.Th>
                  <Table.Th w={50} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.map((m, i) => (
                  <Table.Tr key={m.userId}>
                    <Table.Td>
                      <Text size="sm">{m.name}</Text>
                      <Text size="xs" c="dimmed">
                        {m.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Checkbox aria-label={t('teams.lead')} data-testid="team-member-lead" {...form.getInputProps(`members.${i}.isLead`, { type: 'checkbox' })} />
                    </Table.Td>
                    <Table.Td>
                      <ActionIcon variant="subtle" color="gray" aria-label={t('common.remove')} onClick={() => form.removeListItem('members', i)}>
                        <IconX size={14} />
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
        <ErrorAlert error={error} onRetry={error?.isVersionConflict ? () => reloadLatest().catch(notifyError) : undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="team-submit">
            {team ? t('common.save') : t('teams.submitCreate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
