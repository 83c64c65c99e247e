import { useState } from 'react';
import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Ticket, type TicketDetail } from '../../../modules/tickets/tickets.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import type { Directory } from '../../lib/directory.ts';

interface Props {
  ticket: TicketDetail;
  /** escalate: L1 → L2; handBack: back to the team it came from */
  mode: 'escalate' | 'handBack' | null;
  dir: Directory;
  onClose: () => void;
  onDone: (t: Ticket) => void;
  onConflict: (e: ApiError) => void;
}

/** Escalation and hand-back both need a reason: it lands in the history and tells the other team why. */
export function EscalateModal({ ticket, mode, dir, onClose, onDone, onConflict }: Props) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [teamId, setTeamId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setReason('');
    setTeamId(null);
    setError(null);
    onClose();
  };
  const submit = async () => {
    if (!reason.trim()) return setError(t('validation.required'));
    setBusy(true);
    setError(null);
    try {
      const body = { version: ticket.version, reason: reason.trim(), ...(mode === 'escalate' && teamId ? { toTeamId: teamId } : {}) };
      const saved = await api.post(`/tickets/${ticket.id}/${mode === 'escalate' ? 'escalate' : 'hand-back'}`, body, Ticket);
      const team = dir.teams.find((x) => x.id === saved.teamId)?.name ?? '—';
      notifySuccess(mode === 'escalate' ? t('ticketActions.escalated', { team }) : t('ticketActions.handedBack', { team }));
      close();
      onDone(saved);
    } catch (e) {
      const err = toApiError(e);
      if (err.isVersionConflict) {
        close();
        onConflict(err);
      } else if (err.status === 422) setError(err.fieldErrors[0]?.message ?? err.message);
      else notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  const teams = dir.teams.filter((x) => x.id !== ticket.teamId).map((x) => ({ value: x.id, label: x.name }));
  return (
    <Modal opened={mode !== null} onClose={close} title={mode === 'escalate' ? t('ticketActions.escalateTitle') : t('ticketActions.handBackTitle')} data-testid="escalate-modal">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {mode === 'escalate' ? t('ticketActions.escalateHelp') : t('ticketActions.handBackHelp')}
        </Text>
        {mode === 'escalate' && (
          <Select label={t('ticketActions.escalateTeam')} placeholder={t('ticketActions.escalateTeamDefault')} data={teams} value={teamId} onChange={setTeamId} clearable searchable data-testid="escalate-team" comboboxProps={{ withinPortal: true }} />
        )}
        <Textarea label={t('ticketActions.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} autosize minRows={3} maxLength={1000} required data-autofocus data-testid="escalate-reason" />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button color={mode === 'escalate' ? 'red' : undefined} loading={busy} onClick={() => void submit()} data-testid="escalate-confirm">
            {mode === 'escalate' ? t('ticketActions.escalate') : t('ticketActions.handBack')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
