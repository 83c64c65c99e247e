import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Product } from '../../../modules/catalog/catalog.contract.ts';
import { page } from '../../../platform/http/pagination.contract.ts';
import { useApiGet } from '../../lib/useApi.ts';

const Products = page(Product);
export const productLabel = (p: Product) => `${p.sku} · ${p.name}${p.model ? ` · ${p.model}` : ''}`;

type Props = Omit<SelectProps, 'data' | 'value' | 'onChange'> & { value: Product | null; onChange: (p: Product | null) => void };

/** Finds an active product by SKU, name or model (GET /catalog/products?q=). */
export function ProductSelect({ value, onChange, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const query = value && productLabel(value) === q ? '' : q;
  const found = useApiGet('/catalog/products', Products, { q: query, active: 'true', limit: 20 });
  const known = new Map<string, Product>();
  if (value) known.set(value.id, value);
  for (const p of found.data?.items ?? []) known.set(p.id, p);
  return (
    <Select
      searchable
      data={[...known.values()].map((p) => ({ value: p.id, label: productLabel(p) }))}
      value={value?.id ?? null}
      onChange={(id) => onChange(id ? (known.get(id) ?? null) : null)}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      placeholder={t('orders.productSearch')}
      nothingFoundMessage={found.loading ? t('common.loading') : t('common.nothingFound')}
      {...rest}
    />
  );
}
