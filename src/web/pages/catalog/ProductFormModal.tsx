import { useState } from 'react';
import { Button, Checkbox, Group, Modal, NumberInput, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { Product, type Category } from '../../../modules/catalog/catalog.contract.ts';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../components/forms.ts';
import { notifyError } from '../../components/notify.ts';
import { fenToYuan, yuanToFen } from './money.ts';

interface Props {
  opened: boolean;
  product: Product | null;
  categories: Category[];
  onClose: () => void;
  onSaved: (p: Product, created: boolean) => void;
}

export function categoryLabel(c: Pick<Category, 'code' | 'nameZh' | 'nameEn'>, lang: string) {
  return `${lang.startsWith('zh') ? c.nameZh : c.nameEn} (${c.code})`;
}

export function ProductFormModal(props: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.product ? t('catalog.editProduct', { sku: props.product.sku }) : t('catalog.createProduct')} size="lg" centered data-testid="product-form-modal">
      <ProductForm {...props} />
    </Modal>
  );
}

function valuesOf(p: Product | null) {
  return {
    sku: p?.sku ?? '',
    name: p?.name ?? '',
    nameEn: p?.nameEn ?? '',
    model: p?.model ?? '',
    brand: p?.brand ?? '',
    categoryId: p?.categoryId ?? null,
    warrantyMonths: (p?.warrantyMonths ?? '') as number | string,
    serialTracked: p?.serialTracked ?? false,
    priceFen: fenToYuan(p?.priceFen ?? 0),
    costFen: fenToYuan(p?.costFen),
    active: p?.active ?? true,
  };
}

function ProductForm({ product, categories, onClose, onSaved }: Props) {
  const { t, i18n } = useTranslation();
  const [version, setVersion] = useState(product?.version ?? 0);
  const [key, renewKey] = useIdempotencyKey();
  const form = useForm({ mode: 'controlled', initialValues: valuesOf(product), validate: { sku: (v) => (v.trim() ? null : t('validation.required')), name: (v) => (v.trim() ? null : t('validation.required')) } });
  const category = categories.find((c) => c.id === form.values.categoryId);
  const { submit, submitting, error, clearError } = useSubmit(form, async (v: typeof form.values) => {
    const body = {
      sku: v.sku.trim(),
      name: v.name.trim(),
      nameEn: v.nameEn.trim() || null,
      model: v.model.trim() || null,
      brand: v.brand.trim() || null,
      categoryId: v.categoryId,
      warrantyMonths: v.warrantyMonths === '' ? null : Number(v.warrantyMonths),
      serialTracked: v.serialTracked,
      priceFen: yuanToFen(v.priceFen) ?? 0,
      costFen: yuanToFen(v.costFen),
      active: v.active,
    };
    try {
      const saved = product ? await api.patch(`/catalog/products/${product.id}`, { version, ...body }, Product) : await api.create('/catalog/products', body, Product, key);
      renewKey();
      onSaved(saved, !product);
    } catch (e) {
      renewKey();
      throw e;
    }
  });
  const reloadLatest = async () => {
    if (!product) return;
    const latest = await api.get(`/catalog/products/${product.id}`, Product);
    setVersion(latest.version);
    form.setValues(valuesOf(latest));
    clearError();
  };
  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={2}>
          <TextInput label={t('catalog.sku')} required data-testid="product-sku" {...form.getInputProps('sku')} />
          <TextInput label={t('catalog.model')} data-testid="product-model" {...form.getInputProps('model')} />
          <TextInput label={t('catalog.nameZh')} required data-testid="product-name" {...form.getInputProps('name')} />
          <TextInput label={t('catalog.nameEn')} {...form.getInputProps('nameEn')} />
          <TextInput label={t('catalog.brand')} {...form.getInputProps('brand')} />
          <Select
            label={t('catalog.category')}
            clearable
            searchable
            data={categories.map((c) => ({ value: c.id, label: categoryLabel(c, i18n.language) }))}
            data-testid="product-category"
            {...form.getInputProps('categoryId')}
          />
          <NumberInput label={t('catalog.priceYuan')} min={0} decimalScale={2} prefix="¥" thousandSeparator="," data-testid="product-price" {...form.getInputProps('priceFen')} />
          <NumberInput label={t('catalog.costYuan')} description={t('catalog.costHint')} min={0} decimalScale={2} prefix="¥" thousandSeparator="," {...form.getInputProps('costFen')} />
          <NumberInput
            label={t('catalog.warrantyOverride')}
            description={t('catalog.warrantyDefault', { months: category?.warrantyMonths ?? 0 })}
            min={0}
            max={240}
            allowDecimal={false}
            {...form.getInputProps('warrantyMonths')}
          />
        </SimpleGrid>
        <Group>
          <Checkbox label={t('catalog.serialTracked')} data-testid="product-serial" {...form.getInputProps('serialTracked', { type: 'checkbox' })} />
          <Checkbox label={t('catalog.active')} {...form.getInputProps('active', { type: 'checkbox' })} />
        </Group>
        <ErrorAlert error={error} onRetry={error?.isVersionConflict ? () => reloadLatest().catch(notifyError) : undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="product-submit">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
