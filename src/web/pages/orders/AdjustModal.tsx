import { useState } from 'react';
import { Button, Group, Modal, NumberInput, SegmentedControl, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { OrderDetail, lineRefundableFen, unitRefundFen, type OrderItem } from '../../../modules/orders/orders.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { fieldMessages } from '../../lib/fieldErrors.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatYuan, parseYuanToFen } from '../catalog/money.ts';

export type Action = { kind: 'cancel' } | { kind: 'refund'; line: OrderItem | null };
type Mode = 'units' | 'amount';

/**
 * Cancel, or refund by units (goods come back: the rest of the order, or some units of a line) or by amount
 * (money only, goods stay: price protection, goodwill). The amount is typed in yuan and turned into fen from
 * the decimal string; the server caps it by what the line or order still has to refund.
 */
export function AdjustModal({ order, action, onClose, onDone }: { order: OrderDetail; action: Action; onClose: () => void; onDone: (o: OrderDetail) => void }) {
  const { t, i18n } = useTranslation();
  const money = (fen: number) => formatYuan(fen, i18n.language);
  const line = action.kind === 'refund' ? action.line : null;
  const unitsLeft = line ? line.quantity - line.refundedQuantity : order.items.reduce((s, i) => s + i.quantity - i.refundedQuantity, 0);
  const amountLeft = line ? lineRefundableFen(line) : Math.max(0, order.totalFen - order.refundedFen);
  const [mode, setMode] = useState<Mode>(unitsLeft > 0 ? 'units' : 'amount');
  const [quantity, setQuantity] = useState<number | string>(line ? unitsLeft : 0);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const amountFen = parseYuanToFen(amount);
  const preview = mode === 'amount' ? amountFen : line ? unitRefundFen(line, Number(quantity) || 0) : amountLeft;

  const body = (): Record<string, unknown> | null => {
    const base = { version: order.version, reason };
    if (action.kind === 'cancel') return base;
    if (mode === 'units') return line ? { ...base, lineNo: line.lineNo, quantity: Number(quantity) } : base;
    if (amountFen === null || amountFen <= 0) return null;
    return { ...base, amountFen, ...(line ? { lineNo: line.lineNo } : {}) };
  };
  const submit = async () => {
    const b = body();
    const problems: Record<string, string> = {};
    if (!reason.trim()) problems.reason = t('validation.required');
    if (!b) problems.amountFen = t('orders.amountInvalid');
    else if (mode === 'amount' && amountFen !== null && amountFen > amountLeft) problems.amountFen = t('orders.amountExceeds', { max: money(amountLeft) });
    if (Object.keys(problems).length) return setFieldErrors(problems);
    setBusy(true);
    setError(null);
    try {
      onDone(await api.post(`/orders/${order.id}/${action.kind === 'cancel' ? 'cancel' : 'refunds'}`, b, OrderDetail));
    } catch (e) {
      const err = toApiError(e);
      setFieldErrors(fieldMessages(err.fieldErrors));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title =
    action.kind === 'cancel'
      ? t('orders.cancelTitle', { number: order.number })
      : line
        ? t('orders.refundLineTitle', { name: line.name })
        : mode === 'units'
          ? t('orders.refundAllTitle', { number: order.number })
          : t('orders.refundOrderTitle', { number: order.number });
  return (
    <Modal opened onClose={onClose} title={title} centered data-testid="adjust-modal">
      <Stack gap="sm">
        {action.kind === 'refund' && (
          <SegmentedControl
            fullWidth
            value={mode}
            onChange={(v) => setMode(v as Mode)}
            data={[
              { value: 'units', label: t('orders.byUnits'), disabled: unitsLeft === 0 },
              { value: 'amount', label: t('orders.byAmount'), disabled: amountLeft === 0 },
            ]}
            data-testid="adjust-mode"
          />
        )}
        {action.kind === 'refund' && mode === 'units' && line && (
          <NumberInput label={t('orders.refundQuantity', { left: unitsLeft })} min={1} max={unitsLeft} allowDecimal={false} value={quantity} onChange={setQuantity} error={fieldErrors.quantity} data-testid="adjust-quantity" />
        )}
        {action.kind === 'refund' && mode === 'amount' && (
          <TextInput
            label={t('orders.refundAmount')}
            description={t('orders.refundAmountHint', { max: money(amountLeft) })}
            leftSection="¥"
            inputMode="decimal"
            placeholder="0.00"
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            error={fieldErrors.amountFen}
            data-testid="adjust-amount"
          />
        )}
        {action.kind === 'refund' && preview !== null && preview > 0 && (
          <Text size="sm" c="dimmed" data-testid="adjust-preview">
            {t('orders.refundPreview', { amount: money(preview) })}
          </Text>
        )}
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
