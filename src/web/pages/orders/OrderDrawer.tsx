import { useState } from 'react';
import { Badge, Button, Drawer, Group, Paper, SimpleGrid, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { IconReceiptRefund, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { OrderDetail, canTransition, lineRefundableFen } from '../../../modules/orders/orders.contract.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { LoadingState } from '../../components/States.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { formatYuan } from '../catalog/money.ts';
import { adjustmentKindKeys, channelKeys, statusColors, statusKeys } from './labels.ts';
import { AdjustModal, type Action } from './AdjustModal.tsx';

interface Props {
  orderId: string | null;
  onClose: () => void;
  onChanged: (o: OrderDetail) => void;
}

/** One order: lines, adjustment history, and the cancel / refund actions the transition table allows. */
export function OrderDrawer({ orderId, onClose, onChanged }: Props) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const canWrite = useAuth().allows('orders.write');
  const detail = useApiGet(orderId ? `/orders/${orderId}` : null, OrderDetail);
  const [action, setAction] = useState<Action | null>(null);
  const o = detail.data && detail.data.id === orderId ? detail.data : undefined;
  const money = (fen: number | null) => formatYuan(fen, i18n.language);
  const lineName = (lineNo: number | null) => (lineNo === null ? t('orders.wholeOrder') : (o?.items.find((i) => i.lineNo === lineNo)?.name ?? `#${lineNo}`));

  return (
    <Drawer opened={orderId !== null} onClose={onClose} position="right" size="xl" title={o ? t('orders.detailTitle', { number: o.number }) : ''} data-testid="order-drawer">
      {detail.loading && !o && <LoadingState />}
      <ErrorAlert error={detail.error} onRetry={detail.reload} />
      {o && (
        <Stack gap="md">
          <Group justify="space-between">
            <Badge color={statusColors[o.status]} size="lg" data-testid="order-status" data-status={o.status}>
              {t(statusKeys[o.status])}
            </Badge>
            {canWrite && (
              <Group gap="xs">
                {canTransition(o.status, 'refunded') && (
                  <Button size="xs" variant="default" leftSection={<IconReceiptRefund size={14} />} onClick={() => setAction({ kind: 'refund', line: null })} data-testid="order-refund-all">
                    {t('orders.refundOrder')}
                  </Button>
                )}
                {canTransition(o.status, 'cancelled') && (
                  <Button size="xs" color="red" variant="light" leftSection={<IconX size={14} />} onClick={() => setAction({ kind: 'cancel' })} data-testid="order-cancel">
                    {t('orders.cancel')}
                  </Button>
                )}
              </Group>
            )}
          </Group>
          <SimpleGrid cols={2} spacing="xs">
            <Text size="sm">
              {t('orders.customer')}: <b>{o.customerName ?? '—'}</b>
            </Text>
            <Text size="sm">
              {t('orders.channelLabel')}: {t(channelKeys[o.channel])}
              {o.store ? ` · ${o.store}` : ''}
            </Text>
            <Text size="sm">
              {t('orders.orderedAt')}: {fmt.date(o.orderedAt)}
            </Text>
            <Text size="sm">
              {t('orders.deliveredAt')}: {fmt.date(o.deliveredAt)}
            </Text>
            {o.externalId && (
              <Text size="sm">
                {t('orders.externalId')}: {o.externalId}
              </Text>
            )}
            {o.note && <Text size="sm">{o.note}</Text>}
          </SimpleGrid>
          <Paper withBorder radius="md">
            <Table verticalSpacing="xs" data-testid="order-items">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('orders.product')}</Table.Th>
                  <Table.Th ta="right">{t('orders.quantity')}</Table.Th>
                  <Table.Th ta="right">{t('orders.unitPrice')}</Table.Th>
                  <Table.Th ta="right">{t('orders.discount')}</Table.Th>
                  <Table.Th ta="right">{t('orders.lineTotal')}</Table.Th>
                  <Table.Th ta="right">{t('orders.refunded')}</Table.Th>
                  {canWrite && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {o.items.map((i) => (
                  <Table.Tr key={i.lineNo} data-testid="order-item">
                    <Table.Td>
                      <Text size="sm">{i.name}</Text>
                      <Text size="xs" c="dimmed">
                        {[i.sku, i.model, t('orders.warranty', { months: i.warrantyMonths })].filter(Boolean).join(' · ')}
                      </Text>
                      {i.serialNumbers.length > 0 && (
                        <Text size="xs" c="dimmed">
                          SN: {i.serialNumbers.join(', ')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{i.quantity}</Table.Td>
                    <Table.Td ta="right">{money(i.unitPriceFen)}</Table.Td>
                    <Table.Td ta="right">{money(i.discountFen)}</Table.Td>
                    <Table.Td ta="right">{money(i.totalFen)}</Table.Td>
                    <Table.Td ta="right" data-testid="item-refunded">
                      {i.refundedQuantity > 0 ? `${i.refundedQuantity} · ${money(i.refundedFen)}` : i.refundedFen > 0 ? money(i.refundedFen) : '—'}
                    </Table.Td>
                    {canWrite && (
                      <Table.Td ta="right">
                        {(i.refundedQuantity < i.quantity || lineRefundableFen(i) > 0) && canTransition(o.status, 'partially_refunded') && (
                          <Button size="compact-xs" variant="subtle" onClick={() => setAction({ kind: 'refund', line: i })} data-testid="item-refund">
                            {t('orders.refund')}
                          </Button>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Stack gap={0} align="flex-end" p="sm">
              <Text size="sm" c="dimmed">
                {t('orders.subtotal')} {money(o.subtotalFen)} · {t('orders.discount')} {money(o.discountFen)} · {t('orders.total')} {money(o.totalFen)}
              </Text>
              <Text size="sm" c="dimmed">
                {t('orders.refunded')} {money(o.refundedFen)} · {t('orders.cost')} {money(o.costFen)}
              </Text>
              <Text fw={700} data-testid="order-net">
                {t('orders.net')} {money(o.netFen)}
              </Text>
            </Stack>
          </Paper>
          <Title order={5}>{t('orders.history')}</Title>
          {o.adjustments.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('orders.noAdjustments')}
            </Text>
          ) : (
            <Timeline bulletSize={16} lineWidth={2} data-testid="order-adjustments">
              {o.adjustments.map((a) => (
                <Timeline.Item key={a.id} title={`${t(adjustmentKindKeys[a.kind])} · ${money(a.amountFen)}`}>
                  <Text size="sm">
                    {lineName(a.lineNo)}
                    {a.quantity ? ` × ${a.quantity}` : ''} — {a.reason}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {fmt.dateTime(a.createdAt)}
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          )}
        </Stack>
      )}
      {o && action && (
        <AdjustModal
          order={o}
          action={action}
          onClose={() => setAction(null)}
          onDone={(next) => {
            setAction(null);
            detail.setData(next);
            onChanged(next);
            notifySuccess(t('orders.adjusted', { number: next.number }));
          }}
        />
      )}
    </Drawer>
  );
}
