import { useState } from 'react';
import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { SavedView } from '../../../modules/tickets/macros.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useIdempotencyKey } from '../../components/forms.ts';

const keys = ['status', 'type', 'priority', 'teamId', 'assignee', 'customerId', 'tag', 'q', 'sort'] as const;

/** Saves the list's current filters as a view: private, or shared with one of the agent's teams. */
export function SaveViewModal({ opened, onClose, query, teams, onSaved }: { opened: boolean; onClose: () => void; query: Record<string, unknown>; teams: { id: string; name: string }[]; onSaved: (v: z.infer<typeof SavedView>) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [key, renewKey] = useIdempotencyKey();
  const save = async () => {
    setSaving(true);
    setError(null);
    const q: Record<string, string> = {};
    for (const k of keys) {
      const v = query[k];
      if (typeof v === 'string' && v !== '') q[k] = v;
    }
    try {
      const saved = await api.create('/views', { name: name.trim(), teamId, query: q }, SavedView, key);
      setName('');
      onSaved(saved);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      renewKey();
      setSaving(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('tickets.saveViewTitle')} centered data-testid="save-view-modal">
      <Stack gap="md">
        <TextInput label={t('tickets.viewName')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus data-testid="view-name" />
        <Select label={t('tickets.viewShare')} placeholder={t('tickets.viewPrivate')} data={teams.map((tm) => ({ value: tm.id, label: tm.name }))} value={teamId} onChange={setTeamId} clearable data-testid="view-team" />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={saving} disabled={!name.trim()} data-testid="view-submit">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
