import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Ticket } from '../../../modules/tickets/tickets.contract.ts';
import { page } from '../../../platform/http/pagination.contract.ts';
import { useApiGet } from '../../lib/useApi.ts';

const TicketPage = page(Ticket);

export interface PickedTicket {
  id: string;
  number: string;
  subject: string;
}

type Props = Omit<SelectProps, 'data' | 'value' | 'onChange'> & {
  value: PickedTicket | null;
  onChange: (t: PickedTicket | null) => void;
  /** the ticket being worked on: never offered */
  excludeId: string;
};

/** Finds another ticket by number or words (the server's search: number, subject, messages, customer). */
export function TicketPicker({ value, onChange, excludeId, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const label = (x: PickedTicket) => `${x.number} · ${x.subject}`;
  const query = value && label(value) === q ? '' : q;
  const found = useApiGet('/tickets', TicketPage, { q: query, limit: 10, sort: 'updated_desc' });
  const known = new Map<string, PickedTicket>();
  if (value) known.set(value.id, value);
  for (const x of found.data?.items ?? []) if (x.id !== excludeId) known.set(x.id, { id: x.id, number: x.number, subject: x.subject });
  return (
    <Select
      searchable
      clearable
      data={[...known.values()].map((x) => ({ value: x.id, label: label(x) }))}
      value={value?.id ?? null}
      onChange={(id) => onChange(id ? (known.get(id) ?? null) : null)}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      placeholder={t('ticketActions.pickerPlaceholder')}
      nothingFoundMessage={found.loading ? t('common.loading') : t('common.nothingFound')}
      {...rest}
    />
  );
}
