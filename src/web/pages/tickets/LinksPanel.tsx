import { useEffect, useRef, useState } from 'react';
import { ActionIcon, Anchor, Button, Group, Paper, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconLink, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { TicketStatus } from '../../../modules/tickets/tickets.contract.ts';
import { api, toApiError } from '../../api.ts';
import { useConfirm } from '../../components/confirm.tsx';
import { notifyError } from '../../components/notify.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { StatusBadge } from './labels.tsx';
import { TicketPicker, type PickedTicket } from './TicketPicker.tsx';

const LinkKind = z.enum(['related', 'duplicate', 'parent', 'child']);
type LinkKind = z.infer<typeof LinkKind>;
const Links = z.array(z.object({ ticketId: z.string(), number: z.string(), subject: z.string(), status: TicketStatus, kind: LinkKind }));

/**
 * Related, duplicate, parent and child tickets. `revision` changes whenever the ticket's history grows
 * (the live stream reloads the page), so links made elsewhere show up too.
 */
export function LinksPanel({ ticketId, revision, canUpdate }: { ticketId: string; revision: number; canUpdate: boolean }) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const links = useApiGet(`/tickets/${ticketId}/links`, Links);
  const reload = links.reload;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else reload();
  }, [revision, reload]);
  const [adding, setAdding] = useState(false);
  const [other, setOther] = useState<PickedTicket | null>(null);
  const [kind, setKind] = useState<LinkKind>('related');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const add = async () => {
    if (!other) return;
    setBusy(true);
    setError(null);
    try {
      // the kind names the other ticket's role; the API's `parent` makes the ticket in the path the parent
      if (kind === 'parent') await api.post(`/tickets/${other.id}/links`, { otherId: ticketId, kind: 'parent' });
      else if (kind === 'child') await api.post(`/tickets/${ticketId}/links`, { otherId: other.id, kind: 'parent' });
      else await api.post(`/tickets/${ticketId}/links`, { otherId: other.id, kind });
      setOther(null);
      setAdding(false);
      reload();
    } catch (e) {
      const err = toApiError(e);
      if (err.status === 422) setError(err.fieldErrors[0]?.message ?? err.message);
      else notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (l: z.infer<typeof Links>[number]) => {
    if (!(await confirm({ title: t('ticketActions.unlinkTitle'), message: t('ticketActions.unlinkMessage', { number: l.number }), danger: true, confirmLabel: t('common.remove') }))) return;
    try {
      await api.delete(`/tickets/${ticketId}/links/${l.ticketId}`);
      reload();
    } catch (e) {
      notifyError(e);
    }
  };
  const kinds = LinkKind.options.map((k) => ({ value: k, label: t(`ticketActions.linkKind.${k}`) }));
  const items = links.data ?? [];
  return (
    <Paper withBorder p="md" radius="md" data-testid="links-panel">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{t('ticketActions.links')}</Title>
        {canUpdate && !adding && (
          <Button size="xs" variant="subtle" leftSection={<IconLink size={14} />} onClick={() => setAdding(true)} data-testid="link-add">
            {t('ticketActions.linkAdd')}
          </Button>
        )}
      </Group>
      <Stack gap={6}>
        {items.map((l) => (
          <Group key={`${l.ticketId}-${l.kind}`} gap="xs" wrap="nowrap" justify="space-between" data-testid="link-row" data-kind={l.kind}>
            <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
              <Group gap={6} wrap="nowrap">
                <Text size="xs" c="dimmed">
                  {t(`ticketActions.linkKind.${l.kind}`)}
                </Text>
                <Anchor component={Link} to={`/tickets/${l.ticketId}`} size="sm" ff="monospace">
                  {l.number}
                </Anchor>
                <StatusBadge status={l.status} />
              </Group>
              <Text size="sm" lineClamp={1}>
                {l.subject}
              </Text>
            </Stack>
            {canUpdate && (
              <Tooltip label={t('common.remove')}>
                <ActionIcon variant="subtle" color="gray" onClick={() => void remove(l)} aria-label={t('common.remove')} data-testid="link-remove">
                  <IconX size={14} />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
        ))}
        {items.length === 0 && !adding && (
          <Text size="sm" c="dimmed">
            {t('ticketActions.noLinks')}
          </Text>
        )}
        {adding && (
          <Stack gap="xs">
            <Select data={kinds} value={kind} onChange={(v) => v && setKind(v as LinkKind)} allowDeselect={false} size="xs" data-testid="link-kind" />
            <TicketPicker value={other} onChange={setOther} excludeId={ticketId} size="xs" error={error} data-testid="link-target" />
            <Group gap="xs" justify="flex-end">
              <Button size="xs" variant="default" onClick={() => setAdding(false)}>
                {t('common.cancel')}
              </Button>
              <Button size="xs" disabled={!other} loading={busy} onClick={() => void add()} data-testid="link-save">
                {t('ticketActions.linkSave')}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
