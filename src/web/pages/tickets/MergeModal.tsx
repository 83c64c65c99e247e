import { useState } from 'react';
import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Ticket, type TicketDetail } from '../../../modules/tickets/tickets.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { TicketPicker, type PickedTicket } from './TicketPicker.tsx';

interface Props {
  ticket: TicketDetail;
  opened: boolean;
  onClose: () => void;
  onMerged: (target: Ticket) => void;
  onConflict: (e: ApiError) => void;
}

/** Merge this ticket into another: pick the target, read what will happen, confirm. */
export function MergeModal({ ticket, opened, onClose, onMerged, onConflict }: Props) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<PickedTicket | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setTarget(null);
    setError(null);
    onClose();
  };
  const submit = async () => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      const merged = await api.post(`/tickets/${ticket.id}/merge`, { version: ticket.version, intoTicketId: target.id }, Ticket);
      notifySuccess(t('ticketActions.merged', { number: merged.number }));
      close();
      onMerged(merged);
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
  return (
    <Modal opened={opened} onClose={close} title={t('ticketActions.mergeTitle', { number: ticket.number })} size="lg" data-testid="merge-modal">
      <Stack gap="md">
        <TicketPicker label={t('ticketActions.mergeInto')} value={target} onChange={setTarget} excludeId={ticket.id} error={error} data-testid="merge-target" comboboxProps={{ withinPortal: true }} />
        {target && (
          <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} data-testid="merge-summary">
            <Text size="sm" fw={500} mb={4}>
              {t('ticketActions.mergeWhat', { from: ticket.number, into: target.number })}
            </Text>
            <List size="sm" spacing={2}>
              <List.Item>{t('ticketActions.mergeMoves', { count: ticket.messages.length, into: target.number })}</List.Item>
              <List.Item>{t('ticketActions.mergeHistory')}</List.Item>
              <List.Item>{t('ticketActions.mergeCloses', { from: ticket.number })}</List.Item>
              <List.Item>{t('ticketActions.mergeTold')}</List.Item>
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button color="orange" disabled={!target} loading={busy} onClick={() => void submit()} data-testid="merge-confirm">
            {t('ticketActions.mergeConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
