import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { Customer } from '../../../modules/customers/customers.contract.ts';
import { useApiGet } from '../../lib/useApi.ts';

const Customers = z.array(Customer);

export const customerLabel = (c: Customer) => {
  const ids = c.identities.map((i) => i.value).slice(0, 2);
  return ids.length ? `${c.name} · ${ids.join(' · ')}` : c.name;
};

type Props = Omit<SelectProps, 'data' | 'value' | 'onChange'> & { value: Customer | null; onChange: (c: Customer | null) => void };

/** Finds a customer by name, phone, e-mail or external id (GET /customers?q=). */
export function CustomerSelect({ value, onChange, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const query = value && customerLabel(value) === q ? '' : q;
  const found = useApiGet(query ? '/customers' : null, Customers, { q: query, limit: 10 });
  const known = new Map<string, Customer>();
  if (value) known.set(value.id, value);
  for (const c of query ? (found.data ?? []) : []) known.set(c.id, c);
  return (
    <Select
      searchable
      clearable
      data={[...known.values()].map((c) => ({ value: c.id, label: customerLabel(c) }))}
      value={value?.id ?? null}
      onChange={(id) => onChange(id ? (known.get(id) ?? null) : null)}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      placeholder={t('tickets.customerSearch')}
      nothingFoundMessage={query ? (found.loading ? t('common.loading') : t('common.nothingFound')) : t('common.typeToSearch')}
      {...rest}
    />
  );
}
