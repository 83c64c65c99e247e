import { useState } from 'react';
import { ActionIcon, Button, Group, Modal, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Product } from '../../../modules/catalog/catalog.contract.ts';
import type { Customer } from '../../../modules/customers/customers.contract.ts';
import { lineTotals, OrderDetail, OrderChannel } from '../../../modules/orders/orders.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useIdempotencyKey } from '../../components/forms.ts';
import { CustomerSelect } from '../tickets/CustomerPicker.tsx';
import { formatYuan, yuanToFen } from '../catalog/money.ts';
import { ProductSelect } from './ProductSelect.tsx';
import { channelKeys, todayIn } from './labels.ts';

interface Line {
  key: number;
  product: Product | null;
  quantity: number | string;
  unitPrice: number | string;
  discount: number | string;
  serials: string;
}

interface Props {
  opened: boolean;
  onClose: () => void;
  onCreated: (o: OrderDetail) => void;
}

let lineKey = 0;
const newLine = (): Line => ({ key: ++lineKey, product: null, quantity: 1, unitPrice: '', discount: 0, serials: '' });

export function NewOrderModal({ opened, onClose, onCreated }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('orders.create')} size="80rem" centered data-testid="order-form-modal">
      {opened && <NewOrderForm onClose={onClose} onCreated={onCreated} opened={opened} />}
    </Modal>
  );
}

function NewOrderForm({ onClose, onCreated }: Props) {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [channel, setChannel] = useState<OrderChannel>('offline_store');
  const [store, setStore] = useState('');
  const [orderedAt, setOrderedAt] = useState(todayIn(me?.timeZone ?? 'Asia/Shanghai'));
  const [deliveredAt, setDeliveredAt] = useState('');
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<Line[]>([newLine()]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, renewKey] = useIdempotencyKey();
  const money = (fen: number) => formatYuan(fen, i18n.language);

  const priced = lines.map((l) => {
    const unitPriceFen = yuanToFen(l.unitPrice) ?? l.product?.priceFen ?? 0;
    const quantity = Number(l.quantity) || 0;
    const discountFen = yuanToFen(l.discount) ?? 0;
    return { quantity, unitPriceFen, discountFen, totalFen: quantity * unitPriceFen - discountFen };
  });
  const totals = lineTotals(priced);
  const update = (i: number, patch: Partial<Line>) => setLines((prev) => prev.map((l, n) => (n === i ? { ...l, ...patch } : l)));

  const submit = async () => {
    const local: Record<string, string> = {};
    if (!customer) local.customerId = t('validation.required');
    lines.forEach((l, i) => !l.product && (local[`items.${i}.productId`] = t('validation.required')));
    setErrors(local);
    if (Object.keys(local).length) return;
    const body = {
      customerId: customer!.id,
      channel,
      store: store.trim() || null,
      orderedAt,
      deliveredAt: deliveredAt || null,
      note: note.trim() || null,
      items: lines.map((l, i) => ({
        productId: l.product!.id,
        quantity: Number(l.quantity),
        unitPriceFen: priced[i].unitPriceFen,
        discountFen: priced[i].discountFen,
        serialNumbers: l.serials.split(/[\s,，;；]+/).filter(Boolean),
      })),
    };
    setBusy(true);
    setError(null);
    try {
      const created = await api.create('/orders', body, OrderDetail, key);
      renewKey();
      onCreated(created);
    } catch (e) {
      renewKey();
      const err = toApiError(e);
      const byPath = Object.fromEntries(err.fieldErrors.map((f) => [f.path.replace(/^body\.?/, ''), f.message]));
      setErrors(byPath);
      if (err.fieldErrors.length === 0) setError(err);
    } finally {
      setBusy(false);
    }
  };

  const lineError = (i: number, field: string) => errors[`items.${i}.${field}`];
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <CustomerSelect label={t('orders.customer')} required value={customer} onChange={setCustomer} error={errors.customerId} data-testid="order-customer" />
        <Select label={t('orders.channelLabel')} data={OrderChannel.options.map((c) => ({ value: c, label: t(channelKeys[c]) }))} value={channel} onChange={(v) => v && setChannel(v as OrderChannel)} allowDeselect={false} data-testid="order-channel" />
        <TextInput label={t('orders.store')} value={store} onChange={(e) => setStore(e.currentTarget.value)} error={errors.store} data-testid="order-store" />
        <TextInput type="date" label={t('orders.orderedAt')} required value={orderedAt} onChange={(e) => setOrderedAt(e.currentTarget.value)} error={errors.orderedAt} data-testid="order-date" />
        <TextInput type="date" label={t('orders.deliveredAt')} value={deliveredAt} onChange={(e) => setDeliveredAt(e.currentTarget.value)} error={errors.deliveredAt} data-testid="order-delivered" />
        <Textarea label={t('orders.note')} autosize minRows={1} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
      </SimpleGrid>
      <Paper withBorder radius="md">
        <Table verticalSpacing="xs" data-testid="order-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('orders.product')}</Table.Th>
              <Table.Th w={90}>{t('orders.quantity')}</Table.Th>
              <Table.Th w={140}>{t('orders.unitPrice')}</Table.Th>
              <Table.Th w={130}>{t('orders.discount')}</Table.Th>
              <Table.Th w={180}>{t('orders.serials')}</Table.Th>
              <Table.Th w={120} ta="right">
                {t('orders.lineTotal')}
              </Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lines.map((l, i) => (
              <Table.Tr key={l.key} data-testid="order-line" style={{ verticalAlign: 'top' }}>
                <Table.Td>
                  <ProductSelect value={l.product} onChange={(p) => update(i, { product: p, unitPrice: '' })} error={lineError(i, 'productId')} data-testid="line-product" />
                </Table.Td>
                <Table.Td>
                  <NumberInput min={1} allowDecimal={false} value={l.quantity} onChange={(v) => update(i, { quantity: v })} error={lineError(i, 'quantity')} data-testid="line-quantity" />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    min={0}
                    decimalScale={2}
                    prefix="¥"
                    placeholder={l.product ? String(l.product.priceFen / 100) : ''}
                    value={l.unitPrice}
                    onChange={(v) => update(i, { unitPrice: v })}
                    error={lineError(i, 'unitPriceFen')}
                    data-testid="line-price"
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput min={0} decimalScale={2} prefix="¥" value={l.discount} onChange={(v) => update(i, { discount: v })} error={lineError(i, 'discountFen')} data-testid="line-discount" />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    disabled={!l.product?.serialTracked}
                    placeholder={l.product?.serialTracked ? t('orders.serialsHint') : '—'}
                    value={l.serials}
                    onChange={(e) => update(i, { serials: e.currentTarget.value })}
                    error={lineError(i, 'serialNumbers')}
                  />
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" fw={500} mt={8} data-testid="line-total">
                    {money(priced[i].totalFen)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ActionIcon variant="subtle" color="gray" mt={4} disabled={lines.length === 1} aria-label={t('common.remove')} onClick={() => setLines((prev) => prev.filter((_, n) => n !== i))}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group justify="space-between" p="sm">
          <Button variant="subtle" leftSection={<IconPlus size={16} />} onClick={() => setLines((prev) => [...prev, newLine()])} data-testid="order-add-line">
            {t('orders.addLine')}
          </Button>
          <Stack gap={0} align="flex-end">
            <Text size="sm" c="dimmed">
              {t('orders.subtotal')} {money(totals.subtotalFen)} · {t('orders.discount')} {money(totals.discountFen)}
            </Text>
            <Text fw={700} data-testid="order-total">
              {t('orders.total')} {money(totals.totalFen)}
            </Text>
          </Stack>
        </Group>
      </Paper>
      <ErrorAlert error={error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button onClick={() => void submit()} loading={busy} data-testid="order-submit">
          {t('orders.submit')}
        </Button>
      </Group>
    </Stack>
  );
}
