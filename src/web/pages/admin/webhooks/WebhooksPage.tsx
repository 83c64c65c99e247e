import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Menu, Text } from '@mantine/core';
import { IconDots, IconHistory, IconPencil, IconPlayerPause, IconPlayerPlay, IconPlus, IconSend, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { WebhookSubscription } from '../../../../platform/webhooks/webhooks.contract.ts';
import { api } from '../../../api.ts';
import { useConfirm } from '../../../components/confirm.tsx';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { SecretModal } from '../../../components/SecretModal.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';
import { DeliveriesDrawer } from './DeliveriesDrawer.tsx';
import { ALL_EVENTS, WebhookFormModal } from './WebhookFormModal.tsx';

const WebhookPage = page(WebhookSubscription);

export default function WebhooksPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const confirm = useConfirm();
  const list = useCursorList('/webhooks', WebhookPage);
  const [editing, setEditing] = useState<{ webhook: WebhookSubscription | null } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [deliveriesOf, setDeliveriesOf] = useState<WebhookSubscription | null>(null);

  const setActive = async (w: WebhookSubscription, active: boolean) => {
    try {
      const saved = await api.patch(`/webhooks/${w.id}`, { version: w.version, active }, WebhookSubscription);
      list.replace((x) => x.id === saved.id, saved);
      notifySuccess(active ? t('webhooks.activated') : t('webhooks.deactivated'));
    } catch (e) {
      notifyError(e);
      list.reload();
    }
  };

  const remove = async (w: WebhookSubscription) => {
    const ok = await confirm({ title: t('webhooks.deleteTitle'), message: t('webhooks.deleteText', { url: w.url }), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await api.delete(`/webhooks/${w.id}`, { version: w.version });
      notifySuccess(t('webhooks.deleted'));
    } catch (e) {
      notifyError(e);
    }
    list.reload();
  };

  const sendTest = async (w: WebhookSubscription) => {
    try {
      await api.post(`/webhooks/${w.id}/test`);
      notifySuccess(t('webhooks.testSent'));
      setDeliveriesOf(w);
    } catch (e) {
      notifyError(e);
    }
  };

  const columns: Column<WebhookSubscription>[] = [
    {
      key: 'url',
      header: t('webhooks.url'),
      render: (w) => (
        <div>
          <Text size="sm" fw={500} ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="webhook-row-url">
            {w.url}
          </Text>
          {w.description && (
            <Text size="xs" c="dimmed" lineClamp={1}>
              {w.description}
            </Text>
          )}
        </div>
      ),
    },
    {
      key: 'events',
      header: t('webhooks.events'),
      render: (w) => (
        <Group gap={4} maw={320}>
          {w.events.map((e) => (
            <Badge key={e} variant="outline" color="gray" tt="none" radius="sm">
              {e === ALL_EVENTS ? t('webhooks.allEvents') : e}
            </Badge>
          ))}
        </Group>
      ),
    },
    {
      key: 'active',
      header: t('webhooks.state'),
      render: (w) => (
        <Badge variant="dot" color={w.active ? 'teal' : 'gray'} tt="none">
          {w.active ? t('webhooks.active') : t('webhooks.inactive')}
        </Badge>
      ),
    },
    { key: 'created', header: t('common.createdAt'), render: (w) => <Text size="sm">{fmt.dateTime(w.createdAt)}</Text> },
    {
      key: 'actions',
      header: '',
      align: 'right',
      width: 150,
      render: (w) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Button size="xs" variant="subtle" leftSection={<IconHistory size={14} />} onClick={() => setDeliveriesOf(w)} data-testid="webhook-deliveries">
            {t('webhooks.deliveries')}
          </Button>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={t('common.more')} data-testid="webhook-more">
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing({ webhook: w })} data-testid="webhook-edit">
                {t('common.edit')}
              </Menu.Item>
              <Menu.Item leftSection={<IconSend size={16} />} disabled={!w.active} onClick={() => void sendTest(w)} data-testid="webhook-test">
                {t('webhooks.sendTest')}
              </Menu.Item>
              {w.active ? (
                <Menu.Item leftSection={<IconPlayerPause size={16} />} onClick={() => void setActive(w, false)} data-testid="webhook-deactivate">
                  {t('webhooks.deactivate')}
                </Menu.Item>
              ) : (
                <Menu.Item leftSection={<IconPlayerPlay size={16} />} onClick={() => void setActive(w, true)} data-testid="webhook-activate">
                  {t('webhooks.activate')}
                </Menu.Item>
              )}
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => void remove(w)} data-testid="webhook-delete">
                {t('common.delete')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      ),
    },
  ];

  return (
    <PageLayout
      title={t('webhooks.title')}
      description={t('webhooks.description')}
      testId="webhooks-page"
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ webhook: null })} data-testid="webhook-create">
          {t('webhooks.create')}
        </Button>
      }
    >
      <DataTable list={list} columns={columns} rowKey={(w) => w.id} testId="webhooks" minWidth={860} emptyTitle={t('webhooks.empty')} emptyDescription={t('webhooks.emptyHint')} />
      <WebhookFormModal
        opened={editing !== null}
        webhook={editing?.webhook ?? null}
        onClose={() => setEditing(null)}
        onCreated={(created) => {
          setEditing(null);
          setSecret(created.secret);
          list.reload();
          notifySuccess(t('webhooks.created'));
        }}
        onSaved={(saved) => {
          setEditing(null);
          list.replace((x) => x.id === saved.id, saved);
          notifySuccess(t('webhooks.saved'));
        }}
      />
      <SecretModal secret={secret} title={t('webhooks.secretTitle')} description={t('webhooks.secretText')} onClose={() => setSecret(null)} />
      <DeliveriesDrawer webhook={deliveriesOf} onClose={() => setDeliveriesOf(null)} />
    </PageLayout>
  );
}
