import { useState } from 'react';
import { Badge, Button, Drawer, Group, Modal, NumberInput, Paper, SimpleGrid, Stack, Table, Text, Textarea, Timeline, Title } from '@mantine/core';
import { IconReceiptRefund, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { OrderDetail, canTransition, type OrderItem } from '../../../modules/orders/orders.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { LoadingState } from '../../components/States.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { formatYuan } from '../catalog/money.ts';
import { channelKeys, statusColors, statusKeys } from './labels.ts';

type Action = { kind: 'cancel' } | { kind: 'refund'; line: OrderItem | null };

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
                    {t('orders.refundAll')}
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
                      {i.refundedQuantity > 0 ? `${i.refundedQuantity} · ${money(i.refundedFen)}` : '—'}
                    </Table.Td>
                    {canWrite && (
                      <Table.Td ta="right">
                        {i.refundedQuantity < i.quantity && canTransition(o.status, 'partially_refunded') && (
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
                <Timeline.Item key={a.id} title={`${t(a.kind === 'cancel' ? 'orders.kindCancel' : 'orders.kindRefund')} · ${money(a.amountFen)}`}>
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

function AdjustModal({ order, action, onClose, onDone }: { order: OrderDetail; action: Action; onClose: () => void; onDone: (o: OrderDetail) => void }) {
  const { t } = useTranslation();
  const line = action.kind === 'refund' ? action.line : null;
  const left = line ? line.quantity - line.refundedQuantity : 0;
  const [quantity, setQuantity] = useState<number | string>(left);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!reason.trim()) return setFieldErrors({ reason: t('validation.required') });
    setBusy(true);
    setError(null);
    try {
      const body = action.kind === 'cancel' ? { version: order.version, reason } : { version: order.version, reason, ...(line ? { lineNo: line.lineNo, quantity: Number(quantity) } : {}) };
      onDone(await api.post(`/orders/${order.id}/${action.kind === 'cancel' ? 'cancel' : 'refunds'}`, body, OrderDetail));
    } catch (e) {
      const err = toApiError(e);
      setFieldErrors(Object.fromEntries(err.fieldErrors.map((f) => [f.path, f.message])));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const title = action.kind === 'cancel' ? t('orders.cancelTitle', { number: order.number }) : line ? t('orders.refundLineTitle', { name: line.name }) : t('orders.refundAllTitle', { number: order.number });
  return (
    <Modal opened onClose={onClose} title={title} centered data-testid="adjust-modal">
      <Stack gap="sm">
        {line && <NumberInput label={t('orders.refundQuantity', { left })} min={1} max={left} allowDecimal={false} value={quantity} onChange={setQuantity} error={fieldErrors.quantity} data-testid="adjust-quantity" />}
        <Textarea label={t('orders.reason')} required autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldErrors.reason} data-testid="adjust-reason" />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color={action.kind === 'cancel' ? 'red' : undefined} loading={busy} onClick={() => void submit()} data-testid="adjust-submit">
            {action.kind === 'cancel' ? t('orders.cancel') : t('orders.refund')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
