import { useState } from 'react';
import { Alert, Button, Group, List, Paper, Select, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { TicketPriority, TicketStatus, type Ticket } from '../../../modules/tickets/tickets.contract.ts';
import { api } from '../../api.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import type { Directory } from '../../lib/directory.ts';

const BulkResult = z.array(z.object({ id: z.string(), ok: z.boolean(), code: z.string().nullable(), message: z.string().nullable() }));
type Changes = { status?: TicketStatus; priority?: TicketPriority; assigneeId?: string | null; addTags?: string[] };
const UNASSIGN = '__none__';

interface Props {
  selected: Ticket[];
  dir: Directory;
  onClear: () => void;
  /** after a run: the ids that failed stay selected so the agent can look at them */
  onDone: (failedIds: string[]) => void;
}

/** One change for every selected ticket; each ticket succeeds or fails on its own, failures listed by number. */
export function BulkActions({ selected, dir, onClear, onDone }: Props) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [tag, setTag] = useState('');
  const [failures, setFailures] = useState<{ number: string; message: string }[]>([]);

  const run = async (changes: Changes) => {
    setBusy(true);
    setFailures([]);
    try {
      const results = await api.post('/tickets/bulk', { ids: selected.map((s) => s.id), changes }, BulkResult);
      const byId = new Map(selected.map((s) => [s.id, s.number]));
      const failed = results.filter((r) => !r.ok);
      const done = results.length - failed.length;
      if (done > 0) notifySuccess(t('ticketBulk.done', { count: done }));
      setFailures(failed.map((f) => ({ number: byId.get(f.id) ?? f.id, message: f.message ?? f.code ?? '' })));
      onDone(failed.map((f) => f.id));
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  const users = [{ value: UNASSIGN, label: t('tickets.unassigned') }, ...[...dir.users.values()].map((u) => ({ value: u.id, label: u.name }))];
  return (
    <Paper withBorder p="sm" radius="md" data-testid="bulk-bar">
      <Group gap="sm" wrap="wrap" align="center">
        <Text size="sm" fw={600} data-testid="bulk-count">
          {t('ticketBulk.selected', { count: selected.length })}
        </Text>
        <Select placeholder={t('ticketBulk.assign')} data={users} value={null} onChange={(v) => v && void run({ assigneeId: v === UNASSIGN ? null : v })} searchable disabled={busy} w={200} size="xs" data-testid="bulk-assign" />
        <Select placeholder={t('ticketBulk.status')} data={TicketStatus.options.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))} value={null} onChange={(v) => v && void run({ status: v as TicketStatus })} disabled={busy} w={150} size="xs" data-testid="bulk-status" />
        <Select placeholder={t('ticketBulk.priority')} data={TicketPriority.options.map((s) => ({ value: s, label: t(`tickets.priority.${s}`) }))} value={null} onChange={(v) => v && void run({ priority: v as TicketPriority })} disabled={busy} w={150} size="xs" data-testid="bulk-priority" />
        <Group gap={4} wrap="nowrap">
          <TextInput placeholder={t('ticketBulk.tag')} value={tag} onChange={(e) => setTag(e.currentTarget.value)} maxLength={50} disabled={busy} w={140} size="xs" data-testid="bulk-tag" />
          <Button
            size="xs"
            variant="light"
            disabled={!tag.trim() || busy}
            onClick={() => {
              void run({ addTags: [tag.trim()] });
              setTag('');
            }}
            data-testid="bulk-tag-add"
          >
            {t('ticketBulk.addTag')}
          </Button>
        </Group>
        <Button size="xs" variant="subtle" color="gray" onClick={onClear} disabled={busy} data-testid="bulk-clear">
          {t('ticketBulk.clear')}
        </Button>
      </Group>
      {failures.length > 0 && (
        <Alert mt="sm" color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={t('ticketBulk.failed', { count: failures.length })} withCloseButton onClose={() => setFailures([])} data-testid="bulk-failures">
          <List size="sm" spacing={2}>
            {failures.map((f) => (
              <List.Item key={f.number} data-testid="bulk-failure">
                <Text span ff="monospace" size="sm">
                  {f.number}
                </Text>
                : {f.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Paper>
  );
}
