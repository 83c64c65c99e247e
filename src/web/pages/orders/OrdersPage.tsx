import { useState } from 'react';
import { Anchor, Badge, Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Product } from '../../../modules/catalog/catalog.contract.ts';
import type { Customer } from '../../../modules/customers/customers.contract.ts';
import { Order, OrderChannel, OrderStatus } from '../../../modules/orders/orders.contract.ts';
import { page } from '../../../platform/http/pagination.contract.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { PageLayout } from '../../components/PageLayout.tsx';
import { useFormat } from '../../lib/format.ts';
import { useCursorList } from '../../lib/useApi.ts';
import { CustomerSelect } from '../tickets/CustomerPicker.tsx';
import { formatYuan } from '../catalog/money.ts';
import { NewOrderModal } from './NewOrderModal.tsx';
import { OrderDrawer } from './OrderDrawer.tsx';
import { ProductSelect } from './ProductSelect.tsx';
import { channelKeys, statusColors, statusKeys } from './labels.ts';

const OrderPage = page(Order);

export default function OrdersPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const canWrite = useAuth().allows('orders.write');
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [product, setProduct] = useState<Product | null>(null);
  const [channel, setChannel] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [store, setStore] = useState('');
  const [debouncedStore] = useDebouncedValue(store.trim(), 300);
  const [serial, setSerial] = useState('');
  const [debouncedSerial] = useDebouncedValue(serial.trim(), 300);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const filters = { customerId: customer?.id, productId: product?.id, channel: channel ?? undefined, status: status ?? undefined, store: debouncedStore, serial: debouncedSerial, from, to };
  const list = useCursorList('/orders', OrderPage, filters);
  const money = (fen: number) => formatYuan(fen, i18n.language);

  const columns: Column<Order>[] = [
    {
      key: 'number',
      header: t('orders.number'),
      render: (o) => (
        <Anchor component="button" size="sm" ff="monospace" onClick={() => setOpenId(o.id)} data-testid="order-open">
          {o.number}
        </Anchor>
      ),
    },
    { key: 'customer', header: t('orders.customer'), render: (o) => o.customerName ?? '—' },
    { key: 'date', header: t('orders.orderedAt'), render: (o) => fmt.date(o.orderedAt) },
    {
      key: 'channel',
      header: t('orders.channelLabel'),
      render: (o) => (
        <div>
          <Text size="sm">{t(channelKeys[o.channel])}</Text>
          {o.store && (
            <Text size="xs" c="dimmed">
              {o.store}
            </Text>
          )}
        </div>
      ),
    },
    {
      key: 'status',
      header: t('orders.statusLabel'),
      render: (o) => (
        <Badge variant="light" color={statusColors[o.status]} data-testid="order-row-status">
          {t(statusKeys[o.status])}
        </Badge>
      ),
    },
    { key: 'total', header: t('orders.total'), align: 'right', render: (o) => money(o.totalFen) },
    { key: 'net', header: t('orders.net'), align: 'right', render: (o) => <b>{money(o.netFen)}</b> },
  ];

  const clear = () => {
    setCustomer(null);
    setProduct(null);
    setChannel(null);
    setStatus(null);
    setStore('');
    setSerial('');
    setFrom('');
    setTo('');
  };

  return (
    <PageLayout
      title={t('orders.title')}
      description={t('orders.description')}
      testId="orders-page"
      actions={
        <>
          <ExportButton path="/orders/export" query={filters} />
          {canWrite && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="order-create">
              {t('orders.create')}
            </Button>
          )}
        </>
      }
    >
      <DataTable
        list={list}
        columns={columns}
        rowKey={(o) => o.id}
        testId="orders"
        emptyTitle={t('orders.empty')}
        filters={
          <Group gap="sm" wrap="wrap" align="flex-end">
            <CustomerSelect value={customer} onChange={setCustomer} w={240} aria-label={t('orders.customer')} data-testid="orders-filter-customer" />
            <ProductSelect value={product} onChange={setProduct} clearable w={240} aria-label={t('orders.product')} />
            <Select placeholder={t('orders.channelLabel')} clearable data={OrderChannel.options.map((c) => ({ value: c, label: t(channelKeys[c]) }))} value={channel} onChange={setChannel} w={150} />
            <Select placeholder={t('orders.statusLabel')} clearable data={OrderStatus.options.map((s) => ({ value: s, label: t(statusKeys[s]) }))} value={status} onChange={setStatus} w={150} data-testid="orders-filter-status" />
            <TextInput placeholder={t('orders.store')} value={store} onChange={(e) => setStore(e.currentTarget.value)} w={140} />
            <TextInput placeholder={t('orders.serialFilter')} aria-label={t('orders.serialFilter')} value={serial} onChange={(e) => setSerial(e.currentTarget.value)} w={160} data-testid="orders-filter-serial" />
            <TextInput type="date" aria-label={t('orders.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={150} />
            <TextInput type="date" aria-label={t('orders.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} w={150} />
            <Button variant="subtle" onClick={clear}>
              {t('common.clearFilters')}
            </Button>
          </Group>
        }
      />
      <NewOrderModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(o) => {
          setCreating(false);
          list.reload();
          notifySuccess(t('orders.created', { number: o.number }));
          setOpenId(o.id);
        }}
      />
      <OrderDrawer orderId={openId} onClose={() => setOpenId(null)} onChanged={(o) => list.replace((x) => x.id === o.id, o)} />
    </PageLayout>
  );
}
