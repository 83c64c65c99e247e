import { Badge, Button, Drawer, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { WebhookDelivery, type WebhookDeliveryStatus, type WebhookSubscription } from '../../../../platform/webhooks/webhooks.contract.ts';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';

const DeliveryPage = page(WebhookDelivery);
const statusColor: Record<WebhookDeliveryStatus, string> = { pending: 'gray', delivered: 'teal', retrying: 'orange', failed: 'red' };

export function DeliveriesDrawer({ webhook, onClose }: { webhook: WebhookSubscription | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer opened={webhook !== null} onClose={onClose} position="right" size="xl" title={t('webhooks.deliveriesTitle')} data-testid="deliveries-drawer">
      {webhook && <Deliveries webhook={webhook} />}
    </Drawer>
  );
}

function Deliveries({ webhook }: { webhook: WebhookSubscription }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const list = useCursorList(`/webhooks/${webhook.id}/deliveries`, DeliveryPage, {}, 25);
  const columns: Column<WebhookDelivery>[] = [
    { key: 'event', header: t('webhooks.event'), render: (d) => <Text size="sm" ff="monospace">{d.eventType}</Text> },
    {
      key: 'status',
      header: t('webhooks.deliveryStatus'),
      render: (d) => (
        <Badge variant="light" color={statusColor[d.status]} tt="none" data-testid="delivery-status">
          {t(`webhooks.deliveryStatuses.${d.status}`)}
        </Badge>
      ),
    },
    { key: 'attempts', header: t('webhooks.attempts'), align: 'right', render: (d) => d.attempts },
    {
      key: 'result',
      header: t('webhooks.result'),
      render: (d) =>
        d.lastError ? (
          <Tooltip label={d.lastError} multiline maw={360} withArrow>
            <Text size="sm" c="red" lineClamp={1} maw={220}>
              {d.lastStatusCode ? `${d.lastStatusCode} · ` : ''}
              {d.lastError}
            </Text>
          </Tooltip>
        ) : (
          <Text size="sm">{d.lastStatusCode ?? '—'}</Text>
        ),
    },
    { key: 'created', header: t('common.createdAt'), render: (d) => <Text size="sm">{fmt.dateTime(d.createdAt)}</Text> },
    { key: 'delivered', header: t('webhooks.deliveredAt'), render: (d) => <Text size="sm">{fmt.dateTime(d.deliveredAt)}</Text> },
  ];
  return (
    <Stack>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" c="dimmed" truncate="end">
          {webhook.url}
        </Text>
        <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} onClick={list.reload} data-testid="deliveries-refresh">
          {t('common.refresh')}
        </Button>
      </Group>
      <DataTable list={list} columns={columns} rowKey={(d) => String(d.id)} testId="deliveries" minWidth={640} emptyTitle={t('webhooks.noDeliveries')} />
    </Stack>
  );
}
