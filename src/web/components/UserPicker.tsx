import { useState } from 'react';
import { MultiSelect, Select, type ComboboxItem, type MultiSelectProps, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { User } from '../../platform/auth/users.contract.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { useApiGet } from '../lib/useApi.ts';

const UserPage = page(User);

export interface PickedUser {
  id: string;
  name: string;
  email: string;
}

const label = (u: PickedUser) => (u.email ? `${u.name} <${u.email}>` : u.name);

/** Server-side search over the tenant's users (GET /users?q=), so large organisations work too. */
function useUserSearch(selected: PickedUser[], activeOnly: boolean) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  // a selected user's label in the box is not a search
  const query = selected.some((u) => label(u) === q) ? '' : q;
  const found = useApiGet('/users', UserPage, { q: query, limit: 25, active: activeOnly ? 'true' : undefined });
  const known = new Map<string, PickedUser>();
  for (const u of selected) known.set(u.id, u);
  for (const u of found.data?.items ?? []) known.set(u.id, u);
  const data: ComboboxItem[] = [...known.values()].map((u) => ({ value: u.id, label: label(u) }));
  return { data, known, search, setSearch, loading: found.loading };
}

type SingleProps = Omit<SelectProps, 'data' | 'value' | 'onChange'> & {
  value: PickedUser | null;
  onChange: (user: PickedUser | null) => void;
  activeOnly?: boolean;
};

export function UserSelect({ value, onChange, activeOnly = false, ...rest }: SingleProps) {
  const { t } = useTranslation();
  const s = useUserSearch(value ? [value] : [], activeOnly);
  return (
    <Select
      searchable
      clearable
      data={s.data}
      value={value?.id ?? null}
      onChange={(id) => onChange(id ? (s.known.get(id) ?? null) : null)}
      searchValue={s.search}
      onSearchChange={s.setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={s.loading ? t('common.loading') : t('common.nothingFound')}
      {...rest}
    />
  );
}

type MultiProps = Omit<MultiSelectProps, 'data' | 'value' | 'onChange'> & {
  value: PickedUser[];
  onChange: (users: PickedUser[]) => void;
  activeOnly?: boolean;
};

export function UserMultiSelect({ value, onChange, activeOnly = true, ...rest }: MultiProps) {
  const { t } = useTranslation();
  const s = useUserSearch(value, activeOnly);
  return (
    <MultiSelect
      searchable
      clearable
      data={s.data}
      value={value.map((u) => u.id)}
      onChange={(ids) => onChange(ids.map((id) => s.known.get(id)).filter((u): u is PickedUser => !!u))}
      searchValue={s.search}
      onSearchChange={s.setSearch}
      filter={({ options }) => options}
      placeholder={t('common.typeToSearch')}
      nothingFoundMessage={s.loading ? t('common.loading') : t('common.nothingFound')}
      {...rest}
    />
  );
}
