import { useCallback, useEffect, useRef, useState } from 'react';
import { ActionIcon, Badge, Button, Drawer, Group, Indicator, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconBell, IconChecks } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { NotificationPage, type Notification } from '../../platform/notifications/notifications.contract.ts';
import { api, toApiError, type ApiError } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { notifyError } from '../components/notify.ts';
import { useFormat } from '../lib/format.ts';

/** How often the bell asks for news while the app is open (the drawer reloads when opened). */
export const POLL_MS = 30_000;
const PAGE = 20;

function useNotificationTitle() {
  const { t } = useTranslation();
  return (n: Notification): string => {
    const p = n.params;
    const text = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
    const values = { number: text('number'), by: text('by') || t('tickets.someone'), target: p.target ? t(`sla.target.${text('target') as 'resolution'}`, { defaultValue: text('target') }) : '' };
    switch (n.kind) {
      case 'ticket.mentioned':
        return t('notifications.kind.mentioned', values);
      case 'ticket.assigned':
        return t('notifications.kind.assigned', values);
      case 'ticket.sla_warning':
        return t('notifications.kind.slaWarning', values);
      case 'ticket.sla_breached':
        return t('notifications.kind.slaBreached', values);
      case 'ticket.escalated':
        return t('notifications.kind.escalated', values);
      default:
        return t('notifications.kind.other', { kind: n.kind, number: values.number });
    }
  };
}

/** The header's bell: unread badge, and a drawer of my notifications in the UI language, each linking to its ticket. */
export function NotificationBell() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const title = useNotificationTitle();
  const [opened, setOpened] = useState(false);
  const [items, setItems] = useState<Notification[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const live = useRef(true);

  const refresh = useCallback(async () => {
    try {
      const p = await api.get('/notifications', NotificationPage, { limit: PAGE });
      if (!live.current) return;
      setItems(p.items);
      setCursor(p.nextCursor);
      setUnread(p.unreadCount);
      setError(null);
    } catch (e) {
      if (live.current) setError(toApiError(e));
    }
  }, []);

  useEffect(() => {
    live.current = true;
    void refresh();
    const timer = setInterval(() => {
      // a hidden tab does not need news; it refreshes when it is looked at again
      if (document.visibilityState !== 'hidden') void refresh();
    }, POLL_MS);
    const onVisible = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      live.current = false;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);

  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await api.get('/notifications', NotificationPage, { limit: PAGE, cursor });
      setItems((prev) => [...prev, ...p.items]);
      setCursor(p.nextCursor);
      setUnread(p.unreadCount);
    } catch (e) {
      notifyError(e);
    } finally {
      setLoading(false);
    }
  };

  const open = (n: Notification) => {
    setOpened(false);
    if (!n.readAt) {
      setItems((prev) => prev.map((x) => (x.id === n.id ? { ...x, readAt: new Date().toISOString() } : x)));
      setUnread((u) => Math.max(0, u - 1));
      api.post(`/notifications/${n.id}/read`).catch(notifyError);
    }
    if (n.entityType === 'ticket') void navigate(`/tickets/${n.entityId}`);
  };

  const readAll = async () => {
    try {
      await api.post('/notifications/read-all');
      await refresh();
    } catch (e) {
      notifyError(e);
    }
  };

  return (
    <>
      <Tooltip label={t('notifications.title')}>
        <Indicator label={unread > 99 ? '99+' : unread} size={16} color="red" disabled={unread === 0} offset={4} data-testid="notification-badge" data-count={unread}>
          <ActionIcon
            variant="default"
            size="lg"
            onClick={() => {
              setOpened(true);
              void refresh();
            }}
            aria-label={t('notifications.openLabel', { count: unread })}
            data-testid="notification-bell"
          >
            <IconBell size={18} />
          </ActionIcon>
        </Indicator>
      </Tooltip>
      <Drawer opened={opened} onClose={() => setOpened(false)} position="right" size="md" title={t('notifications.title')} data-testid="notification-drawer">
        <Stack gap="sm">
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {t('notifications.unread', { count: unread })}
            </Text>
            <Button size="xs" variant="subtle" leftSection={<IconChecks size={14} />} disabled={unread === 0} onClick={() => void readAll()} data-testid="notification-read-all">
              {t('notifications.readAll')}
            </Button>
          </Group>
          {error && <ErrorAlert error={error} onRetry={() => void refresh()} />}
          {items.map((n) => (
            <UnstyledButton
              key={n.id}
              onClick={() => open(n)}
              p="sm"
              style={{ borderRadius: 8, border: '1px solid var(--mantine-color-default-border)', background: n.readAt ? undefined : 'var(--mantine-primary-color-light)' }}
              data-testid="notification-item"
              data-kind={n.kind}
              data-read={n.readAt ? 'true' : 'false'}
            >
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Text size="sm" fw={n.readAt ? 400 : 600} data-testid="notification-title">
                  {title(n)}
                </Text>
                {!n.readAt && (
                  <Badge size="xs" color="red" variant="filled">
                    {t('notifications.new')}
                  </Badge>
                )}
              </Group>
              {typeof n.params.subject === 'string' && (
                <Text size="xs" lineClamp={1}>
                  {n.params.subject}
                </Text>
              )}
              {typeof n.params.reason === 'string' && (
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {t('ticketActions.reasonIs', { reason: n.params.reason })}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {fmt.dateTime(n.createdAt)}
              </Text>
            </UnstyledButton>
          ))}
          {items.length === 0 && !error && (
            <Text size="sm" c="dimmed" ta="center" py="xl" data-testid="notification-empty">
              {t('notifications.empty')}
            </Text>
          )}
          {cursor && (
            <Button variant="subtle" onClick={() => void more()} loading={loading}>
              {t('common.loadMore')}
            </Button>
          )}
        </Stack>
      </Drawer>
    </>
  );
}
