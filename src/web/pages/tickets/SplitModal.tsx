import { useState } from 'react';
import { Button, Checkbox, Group, Modal, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Ticket, type TicketDetail } from '../../../modules/tickets/tickets.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { useFormat } from '../../lib/format.ts';

interface Props {
  ticket: TicketDetail;
  opened: boolean;
  onClose: () => void;
  onSplit: (created: Ticket) => void;
  onConflict: (e: ApiError) => void;
}

/** Split: tick the messages that belong to a second problem; they move to a new, linked ticket. */
export function SplitModal({ ticket, opened, onClose, onSplit, onConflict }: Props) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [picked, setPicked] = useState<string[]>([]);
  const [subject, setSubject] = useState('');
  const [busy, setBusy] = useState(false);
  const [subjectError, setSubjectError] = useState<string | null>(null);
  const close = () => {
    setPicked([]);
    setSubject('');
    setSubjectError(null);
    onClose();
  };
  const submit = async () => {
    if (!subject.trim()) return setSubjectError(t('validation.required'));
    setBusy(true);
    try {
      const created = await api.post(`/tickets/${ticket.id}/split`, { version: ticket.version, messageIds: picked, subject: subject.trim() }, Ticket);
      notifySuccess(t('ticketActions.splitDone', { number: created.number }));
      close();
      onSplit(created);
    } catch (e) {
      const err = toApiError(e);
      if (err.isVersionConflict) {
        close();
        onConflict(err);
      } else notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  // only what the customer or an agent wrote can start a new ticket; system notices stay
  const movable = ticket.messages.filter((m) => m.kind !== 'auto');
  return (
    <Modal opened={opened} onClose={close} title={t('ticketActions.splitTitle')} size="lg" data-testid="split-modal">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('ticketActions.splitHelp')}
        </Text>
        <ScrollArea.Autosize mah={320}>
          <Checkbox.Group value={picked} onChange={setPicked}>
            <Stack gap="xs">
              {movable.map((m) => (
                <Checkbox
                  key={m.id}
                  value={m.id}
                  data-testid="split-message"
                  label={
                    <Text size="sm" lineClamp={2}>
                      <b>{m.authorName}</b> · {fmt.dateTime(m.createdAt)} — {m.body}
                    </Text>
                  }
                />
              ))}
              {movable.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('tickets.noMessages')}
                </Text>
              )}
            </Stack>
          </Checkbox.Group>
        </ScrollArea.Autosize>
        <TextInput label={t('ticketActions.splitSubject')} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={subjectError} maxLength={300} required data-testid="split-subject" />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button disabled={picked.length === 0} loading={busy} onClick={() => void submit()} data-testid="split-confirm">
            {t('ticketActions.splitConfirm', { count: picked.length })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
