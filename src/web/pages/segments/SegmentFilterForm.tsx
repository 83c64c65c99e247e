import { useState } from 'react';
import { MultiSelect, SimpleGrid, Switch, TagsInput, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { SegmentFilter } from '../../../modules/customers/segments.contract.ts';
import { Product } from '../../../modules/catalog/catalog.contract.ts';
import { User } from '../../../platform/auth/users.contract.ts';
import { page } from '../../../platform/http/pagination.contract.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { useApiGet } from '../../lib/useApi.ts';
import { useTiers } from '../tiers/useTiers.ts';

const ProductPage = page(Product);
const UserPage = page(User);
const channels = ['email', 'sms', 'phone', 'wechat'] as const;

export const emptyFilter: SegmentFilter = {
  tiers: [], tags: [], provinces: [], cities: [], lastPurchaseFrom: null, lastPurchaseBefore: null, neverPurchased: false,
  productIds: [], birthdayMonths: [], consents: [], kinds: [], ownerIds: [],
};

/** Product choice by server search; labels of chosen products are remembered across searches. */
function ProductSelect({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const { t, i18n } = useTranslation();
  const canRead = useAuth().allows('catalog.read');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const found = useApiGet(canRead ? '/catalog/products' : null, ProductPage, { q, limit: 25 });
  const [known, setKnown] = useState(new Map<string, string>());
  const label = (p: z.infer<typeof Product>) => `${p.sku} · ${i18n.language.startsWith('zh') ? p.name : (p.nameEn ?? p.name)}`;
  const m = new Map(known);
  for (const p of found.data?.items ?? []) m.set(p.id, label(p));
  for (const id of value) if (!m.has(id)) m.set(id, id.slice(0, 8));
  const data = [...m.entries()].map(([v, l]) => ({ value: v, label: l }));
  return (
    <MultiSelect
      label={t('segments.products')}
      searchable
      clearable
      data={data}
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      onChange={(ids) => {
        setKnown(new Map(data.filter((d) => ids.includes(d.value)).map((d) => [d.value, d.label])));
        onChange(ids);
      }}
      disabled={!canRead}
      placeholder={t('common.typeToSearch')}
      data-testid="segment-products"
    />
  );
}

/** The filter builder of a segment: every criterion optional; the count updates as it changes. */
export function SegmentFilterForm({ value, onChange }: { value: SegmentFilter; onChange: (f: SegmentFilter) => void }) {
  const { t } = useTranslation();
  const tiers = useTiers();
  const canUsers = useAuth().allows('users.read');
  const users = useApiGet(canUsers ? '/users' : null, UserPage, { limit: 200 });
  const set = <K extends keyof SegmentFilter>(k: K, v: SegmentFilter[K]) => onChange({ ...value, [k]: v });
  const months = Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: t('segments.month', { n: i + 1 }) }));
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} data-testid="segment-filter">
      <MultiSelect label={t('segments.tiers')} data={tiers.definitions.map((d) => ({ value: d.code, label: tiers.name(d.code) }))} value={value.tiers} onChange={(v) => set('tiers', v)} clearable data-testid="segment-tiers" />
      <TagsInput label={t('segments.tags')} description={t('segments.anyOf')} value={value.tags} onChange={(v) => set('tags', v)} clearable />
      <MultiSelect label={t('segments.kinds')} data={[{ value: 'individual', label: t('segments.kind.individual') }, { value: 'company', label: t('segments.kind.company') }]} value={value.kinds} onChange={(v) => set('kinds', v as SegmentFilter['kinds'])} clearable />
      <TagsInput label={t('segments.provinces')} placeholder="广东省" value={value.provinces} onChange={(v) => set('provinces', v)} clearable />
      <TagsInput label={t('segments.cities')} placeholder="深圳市" value={value.cities} onChange={(v) => set('cities', v)} clearable />
      <MultiSelect label={t('segments.birthdayMonths')} data={months} value={value.birthdayMonths.map(String)} onChange={(v) => set('birthdayMonths', v.map(Number))} clearable data-testid="segment-birthday" />
      <TextInput type="date" label={t('segments.lastPurchaseFrom')} value={value.lastPurchaseFrom ?? ''} onChange={(e) => set('lastPurchaseFrom', e.currentTarget.value || null)} />
      <TextInput type="date" label={t('segments.lastPurchaseBefore')} value={value.lastPurchaseBefore ?? ''} onChange={(e) => set('lastPurchaseBefore', e.currentTarget.value || null)} />
      <Switch label={t('segments.neverPurchased')} checked={value.neverPurchased} onChange={(e) => set('neverPurchased', e.currentTarget.checked)} mt={28} />
      <ProductSelect value={value.productIds} onChange={(v) => set('productIds', v)} />
      <MultiSelect label={t('segments.consents')} description={t('segments.allOf')} data={channels.map((c) => ({ value: c, label: t(`segments.channel.${c}`) }))} value={value.consents} onChange={(v) => set('consents', v as SegmentFilter['consents'])} clearable />
      <MultiSelect
        label={t('segments.owners')}
        searchable
        data={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
        value={value.ownerIds}
        onChange={(v) => set('ownerIds', v)}
        disabled={!canUsers}
        clearable
      />
    </SimpleGrid>
  );
}
