import { useState } from 'react';
import { Anchor, Badge, Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CustomerListItem } from '../../../modules/customers/customers.contract.ts';
import { page } from '../../../platform/http/pagination.contract.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { PageLayout } from '../../components/PageLayout.tsx';
import { useFormat } from '../../lib/format.ts';
import { useCursorList } from '../../lib/useApi.ts';
import { formatYuan } from '../catalog/money.ts';
import { CreateCustomerModal } from './CreateCustomerModal.tsx';
import { TierBadge } from './TierBadge.tsx';
import { useTiers } from '../tiers/useTiers.ts';

const CustomerPage = page(CustomerListItem);

export default function CustomersPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const canWrite = useAuth().allows('customers.write');
  const tiers = useTiers();
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 300);
  const [kind, setKind] = useState<string | null>(null);
  const [tier, setTier] = useState('');
  const [tag, setTag] = useState('');
  const [province, setProvince] = useState('');
  const [city, setCity] = useState('');
  const [creating, setCreating] = useState(false);
  const [dTag] = useDebouncedValue(tag.trim(), 300);
  const [dTier] = useDebouncedValue(tier.trim(), 300);
  const [dProvince] = useDebouncedValue(province.trim(), 300);
  const [dCity] = useDebouncedValue(city.trim(), 300);
  const filters = { q: debouncedQ, kind: kind ?? undefined, tier: dTier, tag: dTag, province: dProvince, city: dCity };
  const list = useCursorList('/customers/list', CustomerPage, filters);

  const columns: Column<CustomerListItem>[] = [
    {
      key: 'name',
      header: t('customer360.name'),
      render: (c) => (
        <div>
          <Anchor component={Link} to={`/customers/${c.id}`} size="sm" fw={600} data-testid="customer-row-name">
            {c.name}
          </Anchor>
          {c.companyName && (
            <Text size="xs" c="dimmed">
              {c.companyName}
            </Text>
          )}
        </div>
      ),
    },
    { key: 'kind', header: t('customer360.kind'), render: (c) => (c.kind === 'company' ? t('customer360.kindCompany') : t('customer360.kindIndividual')) },
    { key: 'tier', header: t('customer360.tier'), render: (c) => <TierBadge tier={c.tier} tiers={tiers} /> },
    {
      key: 'contact',
      header: t('customer360.phone'),
      render: (c) => (
        <Text size="sm" style={{ wordBreak: 'break-all' }}>
          {c.identities.find((i) => i.kind === 'phone')?.value ?? c.identities[0]?.value ?? '—'}
        </Text>
      ),
    },
    { key: 'region', header: t('customer360.region'), render: (c) => c.region ?? '—' },
    {
      key: 'tags',
      header: t('customer360.tags'),
      render: (c) => (
        <Group gap={4}>
          {c.tags.slice(0, 3).map((x) => (
            <Badge key={x} size="xs" variant="outline" tt="none">
              {x}
            </Badge>
          ))}
        </Group>
      ),
    },
    { key: 'orders', header: t('customer360.orders'), align: 'right', render: (c) => c.ordersCount },
    { key: 'revenue', header: t('customer360.revenue'), align: 'right', render: (c) => formatYuan(c.revenueFen, i18n.language) },
    { key: 'last', header: t('customer360.lastOrder'), render: (c) => fmt.date(c.lastOrderAt) },
  ];

  const clear = () => {
    setQ('');
    setKind(null);
    setTier('');
    setTag('');
    setProvince('');
    setCity('');
  };

  return (
    <PageLayout
      title={t('customer360.title')}
      description={t('customer360.description')}
      testId="customers-page"
      actions={
        <>
          <ExportButton path="/customers/export" query={filters} />
          {canWrite && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="customer-create">
              {t('customer360.create')}
            </Button>
          )}
        </>
      }
    >
      <DataTable
        list={list}
        columns={columns}
        rowKey={(c) => c.id}
        testId="customers"
        emptyTitle={t('customer360.empty')}
        filters={
          <Group gap="sm" wrap="wrap" align="flex-end">
            <TextInput leftSection={<IconSearch size={14} />} placeholder={t('customer360.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={260} data-testid="customers-search" />
            <Select
              placeholder={t('customer360.kind')}
              clearable
              data={[
                { value: 'individual', label: t('customer360.kindIndividual') },
                { value: 'company', label: t('customer360.kindCompany') },
              ]}
              value={kind}
              onChange={setKind}
              w={130}
            />
            <TextInput placeholder={t('customer360.tier')} value={tier} onChange={(e) => setTier(e.currentTarget.value)} w={120} />
            <TextInput placeholder={t('customer360.tag')} value={tag} onChange={(e) => setTag(e.currentTarget.value)} w={120} />
            <TextInput placeholder={t('customer360.province')} value={province} onChange={(e) => setProvince(e.currentTarget.value)} w={120} />
            <TextInput placeholder={t('customer360.city')} value={city} onChange={(e) => setCity(e.currentTarget.value)} w={120} />
            <Button variant="subtle" onClick={clear}>
              {t('common.clearFilters')}
            </Button>
          </Group>
        }
      />
      <CreateCustomerModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          notifySuccess(t('customer360.created', { name: c.name }));
          void navigate(`/customers/${c.id}`);
        }}
      />
    </PageLayout>
  );
}
