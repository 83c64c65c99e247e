import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCategory, IconPencil, IconPlus, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { Category, Product } from '../../../modules/catalog/catalog.contract.ts';
import { page } from '../../../platform/http/pagination.contract.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { PageLayout } from '../../components/PageLayout.tsx';
import { useApiGet, useCursorList } from '../../lib/useApi.ts';
import { CategoriesDrawer } from './CategoriesDrawer.tsx';
import { categoryLabel, ProductFormModal } from './ProductFormModal.tsx';
import { formatYuan } from './money.ts';

const ProductPage = page(Product);
const Categories = z.array(Category);

export default function ProductsPage() {
  const { t, i18n } = useTranslation();
  const canManage = useAuth().allows('catalog.manage');
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 300);
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [active, setActive] = useState<string | null>('true');
  const filters = { q: debouncedQ, categoryId: categoryId ?? undefined, active: active ?? undefined };
  const list = useCursorList('/catalog/products', ProductPage, filters);
  const categories = useApiGet('/catalog/categories', Categories);
  const [editing, setEditing] = useState<{ product: Product | null } | null>(null);
  const [showCategories, setShowCategories] = useState(false);
  const catName = (p: Product) => (p.categoryId ? (i18n.language.startsWith('zh') ? p.categoryNameZh : p.categoryNameEn) : null);

  const columns: Column<Product>[] = [
    { key: 'sku', header: t('catalog.sku'), render: (p) => <Text size="sm" ff="monospace">{p.sku}</Text> },
    {
      key: 'name',
      header: t('catalog.name'),
      render: (p) => (
        <div>
          <Text size="sm" fw={500} data-testid="product-row-name">
            {i18n.language.startsWith('zh') ? p.name : (p.nameEn ?? p.name)}
          </Text>
          <Text size="xs" c="dimmed">
            {[p.brand, p.model].filter(Boolean).join(' · ')}
          </Text>
        </div>
      ),
    },
    { key: 'category', header: t('catalog.category'), render: (p) => catName(p) ?? '—' },
    { key: 'warranty', header: t('catalog.warrantyMonths'), align: 'right', render: (p) => (p.warrantyMonths === null ? p.effectiveWarrantyMonths : <b>{p.effectiveWarrantyMonths}</b>) },
    { key: 'price', header: t('catalog.price'), align: 'right', render: (p) => formatYuan(p.priceFen, i18n.language) },
    { key: 'cost', header: t('catalog.cost'), align: 'right', render: (p) => formatYuan(p.costFen, i18n.language) },
    {
      key: 'flags',
      header: '',
      render: (p) => (
        <Group gap={4}>
          {p.serialTracked && <Badge variant="light">{t('catalog.serialTracked')}</Badge>}
          {!p.active && <Badge color="gray">{t('catalog.inactive')}</Badge>}
        </Group>
      ),
    },
  ];
  if (canManage)
    columns.push({
      key: 'actions',
      header: '',
      align: 'right',
      width: 60,
      render: (p) => (
        <ActionIcon variant="subtle" aria-label={t('common.edit')} onClick={() => setEditing({ product: p })} data-testid="product-edit">
          <IconPencil size={16} />
        </ActionIcon>
      ),
    });

  return (
    <PageLayout
      title={t('catalog.title')}
      description={t('catalog.description')}
      testId="products-page"
      actions={
        <>
          <Button variant="default" leftSection={<IconCategory size={16} />} onClick={() => setShowCategories(true)} data-testid="categories-open">
            {t('catalog.categories')}
          </Button>
          <ExportButton path="/catalog/products/export" query={filters} />
          {canManage && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ product: null })} data-testid="product-create">
              {t('catalog.createProduct')}
            </Button>
          )}
        </>
      }
    >
      <DataTable
        list={list}
        columns={columns}
        rowKey={(p) => p.id}
        testId="products"
        emptyTitle={t('catalog.empty')}
        filters={
          <Group gap="sm" wrap="wrap">
            <TextInput placeholder={t('catalog.searchPlaceholder')} leftSection={<IconSearch size={16} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} data-testid="products-search" />
            <Select
              placeholder={t('catalog.category')}
              clearable
              data={(categories.data ?? []).map((c) => ({ value: c.id, label: categoryLabel(c, i18n.language) }))}
              value={categoryId}
              onChange={setCategoryId}
              w={220}
            />
            <Select
              clearable
              placeholder={t('common.all')}
              data={[
                { value: 'true', label: t('catalog.active') },
                { value: 'false', label: t('catalog.inactive') },
              ]}
              value={active}
              onChange={setActive}
              w={140}
            />
          </Group>
        }
      />
      <ProductFormModal
        opened={editing !== null}
        product={editing?.product ?? null}
        categories={categories.data ?? []}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          setEditing(null);
          if (created) list.reload();
          else list.replace((x) => x.id === saved.id, saved);
          notifySuccess(t('catalog.productSaved', { sku: saved.sku }));
        }}
      />
      <CategoriesDrawer
        opened={showCategories}
        onClose={() => setShowCategories(false)}
        categories={categories.data ?? []}
        canManage={canManage}
        onChanged={() => {
          categories.reload();
          list.reload();
        }}
      />
    </PageLayout>
  );
}
