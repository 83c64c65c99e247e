import { useCallback, useRef, useState } from 'react';
import { ActionIcon, Alert, Anchor, Badge, Button, Grid, Group, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconArrowLeft, IconKeyboard } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { Ticket, TicketDetail, TicketMessage, type TicketStatus, type UpdateTicket } from '../../../modules/tickets/tickets.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { LoadingState } from '../../components/States.tsx';
import { useDirectory } from '../../lib/directory.ts';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { Conversation, History } from './Conversation.tsx';
import { CustomerPanel } from './CustomerPanel.tsx';
import { PriorityBadge } from './labels.tsx';
import { MacroMenu } from './MacroMenu.tsx';
import { neighbourInQueue } from './queues.ts';
import { ReplyEditor, type ReplyEditorHandle } from './ReplyEditor.tsx';
import { ShortcutsModal } from './ShortcutsModal.tsx';
import { SlaPanel } from './SlaPanel.tsx';
import { SlaBadge } from './SlaBadge.tsx';
import { StatusMenu, TicketFields } from './TicketFields.tsx';
import { TicketActions } from './TicketActions.tsx';
import { LinksPanel } from './LinksPanel.tsx';
import { MergedBanner } from './MergedBanner.tsx';
import { useTicketStream } from './useTicketStream.ts';

type Patch = Omit<UpdateTicket, 'version'>;

export default function TicketPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const { me, allows } = useAuth();
  const canUpdate = allows('tickets.update');
  const dir = useDirectory();
  const detail = useApiGet(`/tickets/${id}`, TicketDetail);
  const ticket = detail.data;
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<{ error: ApiError; patch: Patch; reloaded: boolean } | null>(null);
  const [help, setHelp] = useState(false);
  const editor = useRef<ReplyEditorHandle>(null);
  const lastOwnVersion = useRef<number>(0);

  const reload = detail.reload;
  useTicketStream(ticket?.id, (u) => {
    if (!ticket) return;
    const mine = u.version === lastOwnVersion.current || (u.actorName !== null && u.actorName === me?.name);
    reload();
    if (!mine) notifications.show({ id: `ticket-${u.ticketId}-${u.updatedAt}`, message: t('tickets.updatedBy', { name: u.actorName ?? t('tickets.someone') }), color: 'blue', autoClose: 8000, withBorder: true });
  });

  const update = useCallback(
    async (patch: Patch) => {
      if (!ticket) return;
      setSaving(true);
      try {
        const saved = await api.patch(`/tickets/${ticket.id}`, { version: ticket.version, ...patch }, Ticket);
        lastOwnVersion.current = saved.version;
        detail.setData({ ...ticket, ...saved });
        setConflict(null);
        reload();
      } catch (e) {
        const err = toApiError(e);
        if (err.isVersionConflict) setConflict({ error: err, patch, reloaded: false });
        else notifyError(err);
      } finally {
        setSaving(false);
      }
    },
    [ticket, detail, reload],
  );

  const send = async (kind: 'public' | 'note', body: string) => {
    if (!ticket) return false;
    try {
      await api.post(`/tickets/${ticket.id}/messages`, { kind, body }, TicketMessage);
      notifySuccess(kind === 'note' ? t('tickets.noteAdded') : t('tickets.replySent'));
      reload();
      return true;
    } catch (e) {
      notifyError(e);
      return false;
    }
  };

  const go = (step: 1 | -1) => {
    const next = neighbourInQueue(id, step);
    if (next) void navigate(`/tickets/${next}`);
  };
  useHotkeys([
    ['r', () => editor.current?.focus('public'), { preventDefault: true }],
    ['n', () => editor.current?.focus('note'), { preventDefault: true }],
    ['j', () => go(1)],
    ['k', () => go(-1)],
    ['/', () => void navigate('/tickets'), { preventDefault: true }],
    ['shift+?', () => setHelp(true)],
    ['?', () => setHelp(true)],
  ]);

  if (!ticket) {
    if (detail.error) return <ErrorAlert error={detail.error} onRetry={detail.reload} />;
    return <LoadingState minHeight={320} />;
  }

  const reloadLatest = () => {
    reload();
    // nothing of ours to apply again (a macro): the alert has done its job
    setConflict((c) => (c && Object.keys(c.patch).length > 0 ? { ...c, reloaded: true } : null));
  };
  const conflictText = conflict ? Object.keys(conflict.patch).map((k) => t(`tickets.field.${k as 'status'}`, { defaultValue: k })).join(', ') : '';
  const userName = (uid: string) => dir.users.get(uid)?.name ?? uid.slice(0, 8);

  return (
    <Stack gap="md" data-testid="ticket-page" data-version={ticket.version}>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs">
            <Anchor component={Link} to="/tickets" size="sm" c="dimmed">
              <Group gap={4}>
                <IconArrowLeft size={14} />
                {t('tickets.backToQueue')}
              </Group>
            </Anchor>
          </Group>
          <Group gap="sm" wrap="wrap">
            <Text ff="monospace" c="dimmed" data-testid="ticket-number">
              {ticket.number}
            </Text>
            <Title order={2} fw={600} data-testid="page-title" style={{ wordBreak: 'break-word' }}>
              {ticket.subject}
            </Title>
          </Group>
          <Group gap="xs" wrap="wrap">
            <StatusMenu status={ticket.status} onChange={(s: TicketStatus) => void update({ status: s })} disabled={!canUpdate || saving} />
            <PriorityBadge priority={ticket.priority} />
            <Badge variant="outline" color="gray" tt="none">
              {t(`tickets.type.${ticket.type}`)}
            </Badge>
            <SlaBadge ticket={ticket} />
            {ticket.tags.map((tag) => (
              <Badge key={tag} variant="light" color="gray" tt="none" size="sm">
                #{tag}
              </Badge>
            ))}
            <Text size="xs" c="dimmed">
              {t('tickets.createdAt', { at: fmt.dateTime(ticket.createdAt) })}
            </Text>
          </Group>
        </Stack>
        <Group gap="xs">
          {canUpdate && (
            <MacroMenu
              ticket={ticket}
              onApplied={reload}
              onConflict={(error) => setConflict({ error, patch: {}, reloaded: false })}
              disabled={saving}
            />
          )}
          {canUpdate && <TicketActions ticket={ticket} dir={dir} disabled={saving || ticket.events.some((e) => e.type === 'merged_into')} onChanged={reload} onConflict={(error) => setConflict({ error, patch: {}, reloaded: false })} />}
          <Tooltip label={t('shortcuts.title')}>
            <ActionIcon variant="default" onClick={() => setHelp(true)} aria-label={t('shortcuts.title')} data-testid="shortcuts-button">
              <IconKeyboard size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      <MergedBanner ticket={ticket} />
      {conflict && (
        <Alert color="orange" variant="light" icon={<IconAlertCircle size={18} />} title={t('errors.conflictTitle')} data-testid="conflict-alert">
          <Text size="sm" data-testid="conflict-message">
            {conflict.error.message} {conflictText ? t('tickets.conflictKept', { fields: conflictText }) : ''}
          </Text>
          <Group mt="sm" gap="xs">
            {!conflict.reloaded || Object.keys(conflict.patch).length === 0 ? (
              <Button size="xs" color="orange" onClick={reloadLatest} data-testid="conflict-reload">
                {t('errors.reload')}
              </Button>
            ) : (
              <Button size="xs" color="orange" onClick={() => void update(conflict.patch)} data-testid="conflict-reapply">
                {t('tickets.reapply')}
              </Button>
            )}
            <Button size="xs" variant="subtle" color="gray" onClick={() => setConflict(null)} data-testid="conflict-dismiss">
              {t('tickets.discardChange')}
            </Button>
          </Group>
        </Alert>
      )}

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          {/* keyed: moving to another ticket (j / k, a link) starts on its conversation again */}
          <Tabs key={ticket.id} defaultValue="conversation" keepMounted={false}>
            <Tabs.List mb="sm">
              <Tabs.Tab value="conversation" data-testid="tab-conversation">
                {t('tickets.conversation')} ({ticket.messages.length})
              </Tabs.Tab>
              <Tabs.Tab value="history" data-testid="tab-history">
                {t('tickets.history')} ({ticket.events.length})
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="conversation">
              <Stack gap="md">
                <Conversation ticket={ticket} />
                {canUpdate && <ReplyEditor ref={editor} users={[...dir.users.values()]} onSend={send} />}
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="history">
              <History ticket={ticket} userName={userName} />
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            <SlaPanel ticket={ticket} />
            <TicketFields ticket={ticket} dir={dir} onChange={(p) => void update(p)} disabled={!canUpdate || saving} />
            <LinksPanel ticketId={ticket.id} revision={ticket.events.length} canUpdate={canUpdate} />
            <CustomerPanel customerId={ticket.customerId} ticketId={ticket.id} />
          </Stack>
        </Grid.Col>
      </Grid>
      <ShortcutsModal opened={help} onClose={() => setHelp(false)} />
    </Stack>
  );
}
