import { useState } from 'react';
import { ActionIcon, Button, Drawer, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Category } from '../../../modules/catalog/catalog.contract.ts';
import { api } from '../../api.ts';
import { useConfirm } from '../../components/confirm.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../components/forms.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { categoryLabel } from './ProductFormModal.tsx';

interface Props {
  opened: boolean;
  onClose: () => void;
  categories: Category[];
  canManage: boolean;
  onChanged: () => void;
}

const empty = { code: '', nameZh: '', nameEn: '', parentId: null as string | null, warrantyMonths: 12 as number | string };

/** Categories (品类) with their default warranty; products inherit it unless they override it. */
export function CategoriesDrawer({ opened, onClose, categories, canManage, onChanged }: Props) {
  const { t, i18n } = useTranslation();
  const confirm = useConfirm();
  const [editing, setEditing] = useState<Category | null>(null);
  const [key, renewKey] = useIdempotencyKey();
  const form = useForm({ mode: 'controlled', initialValues: empty });
  const byId = new Map(categories.map((c) => [c.id, c]));
  const { submit, submitting, error } = useSubmit(form, async (v: typeof empty) => {
    const body = { code: v.code.trim(), nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), parentId: v.parentId, warrantyMonths: Number(v.warrantyMonths || 0) };
    try {
      if (editing) await api.patch(`/catalog/categories/${editing.id}`, { version: editing.version, ...body }, Category);
      else await api.create('/catalog/categories', body, Category, key);
      notifySuccess(t('catalog.categorySaved', { name: body.nameZh }));
      renewKey();
      setEditing(null);
      form.setValues(empty);
      onChanged();
    } catch (e) {
      renewKey();
      throw e;
    }
  });
  const edit = (c: Category) => {
    setEditing(c);
    form.setValues({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, parentId: c.parentId, warrantyMonths: c.warrantyMonths });
  };
  const remove = async (c: Category) => {
    if (!(await confirm({ title: t('catalog.deleteCategory'), message: categoryLabel(c, i18n.language), danger: true, confirmLabel: t('common.delete') }))) return;
    try {
      await api.delete(`/catalog/categories/${c.id}`, { version: c.version });
      onChanged();
    } catch (e) {
      notifyError(e);
    }
  };
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="xl" title={t('catalog.categories')} data-testid="categories-drawer">
      <Stack>
        {canManage && (
          <Paper withBorder p="md" radius="md">
            <form onSubmit={form.onSubmit(submit)} noValidate>
              <Stack gap="sm">
                <SimpleGrid cols={2}>
                  <TextInput label={t('catalog.code')} required data-testid="category-code" {...form.getInputProps('code')} />
                  <NumberInput label={t('catalog.warrantyMonths')} min={0} max={240} allowDecimal={false} data-testid="category-warranty" {...form.getInputProps('warrantyMonths')} />
                  <TextInput label={t('catalog.nameZh')} required data-testid="category-name-zh" {...form.getInputProps('nameZh')} />
                  <TextInput label={t('catalog.nameEn')} required data-testid="category-name-en" {...form.getInputProps('nameEn')} />
                  <Select
                    label={t('catalog.parent')}
                    clearable
                    data={categories.filter((c) => c.id !== editing?.id).map((c) => ({ value: c.id, label: categoryLabel(c, i18n.language) }))}
                    {...form.getInputProps('parentId')}
                  />
                </SimpleGrid>
                <ErrorAlert error={error} />
                <Group justify="flex-end">
                  {editing && (
                    <Button variant="default" onClick={() => (setEditing(null), form.setValues(empty))}>
                      {t('common.cancel')}
                    </Button>
                  )}
                  <Button type="submit" loading={submitting} data-testid="category-submit">
                    {editing ? t('common.save') : t('catalog.addCategory')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Paper>
        )}
        <Table verticalSpacing="xs" data-testid="categories-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('catalog.code')}</Table.Th>
              <Table.Th>{t('catalog.name')}</Table.Th>
              <Table.Th>{t('catalog.parent')}</Table.Th>
              <Table.Th ta="right">{t('catalog.warrantyMonths')}</Table.Th>
              <Table.Th ta="right">{t('catalog.products')}</Table.Th>
              {canManage && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {categories.map((c) => (
              <Table.Tr key={c.id} data-testid="category-row">
                <Table.Td>{c.code}</Table.Td>
                <Table.Td>
                  <Text size="sm">{c.nameZh}</Text>
                  <Text size="xs" c="dimmed">
                    {c.nameEn}
                  </Text>
                </Table.Td>
                <Table.Td>{c.parentId && byId.get(c.parentId) ? categoryLabel(byId.get(c.parentId)!, i18n.language) : '—'}</Table.Td>
                <Table.Td ta="right">{c.warrantyMonths}</Table.Td>
                <Table.Td ta="right">{c.productCount}</Table.Td>
                {canManage && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <ActionIcon variant="subtle" aria-label={t('common.edit')} onClick={() => edit(c)}>
                        <IconPencil size={16} />
                      </ActionIcon>
                      <ActionIcon variant="subtle" color="red" aria-label={t('common.delete')} onClick={() => void remove(c)}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Drawer>
  );
}
