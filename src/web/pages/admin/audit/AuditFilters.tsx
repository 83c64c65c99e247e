import { Button, Group, Select, TextInput } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { UserSelect, type PickedUser } from '../../../components/UserPicker.tsx';
import { auditActions, auditEntityTypes, useAuditLabels } from './labels.ts';

export interface AuditFilterValues {
  user: PickedUser | null;
  entityType: string;
  entityId: string;
  action: string;
  from: string;
  to: string;
}

export const emptyAuditFilters: AuditFilterValues = { user: null, entityType: '', entityId: '', action: '', from: '', to: '' };

export function AuditFilters({ value, onChange }: { value: AuditFilterValues; onChange: (v: AuditFilterValues) => void }) {
  const { t } = useTranslation();
  const labels = useAuditLabels();
  const set = (patch: Partial<AuditFilterValues>) => onChange({ ...value, ...patch });
  const dirty = JSON.stringify(value) !== JSON.stringify(emptyAuditFilters);
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <UserSelect label={t('audit.user')} placeholder={t('common.all')} value={value.user} onChange={(user) => set({ user })} w={220} data-testid="audit-filter-user" />
      <Select
        label={t('audit.entityType')}
        placeholder={t('common.all')}
        clearable
        data={auditEntityTypes.map((e) => ({ value: e, label: labels.entity(e) }))}
        value={value.entityType || null}
        onChange={(v) => set({ entityType: v ?? '' })}
        w={150}
        data-testid="audit-filter-entity-type"
      />
      <TextInput label={t('audit.entityId')} value={value.entityId} onChange={(e) => set({ entityId: e.currentTarget.value })} w={170} data-testid="audit-filter-entity-id" />
      <Select
        label={t('audit.action')}
        placeholder={t('common.all')}
        clearable
        searchable
        data={auditActions.map((a) => ({ value: a, label: labels.action(a) }))}
        value={value.action || null}
        onChange={(v) => set({ action: v ?? '' })}
        w={150}
        data-testid="audit-filter-action"
      />
      <TextInput type="date" label={t('audit.from')} value={value.from} onChange={(e) => set({ from: e.currentTarget.value })} w={150} data-testid="audit-filter-from" />
      <TextInput type="date" label={t('audit.to')} value={value.to} onChange={(e) => set({ to: e.currentTarget.value })} w={150} data-testid="audit-filter-to" />
      {dirty && (
        <Button variant="subtle" color="gray" leftSection={<IconX size={14} />} onClick={() => onChange(emptyAuditFilters)} data-testid="audit-filter-clear">
          {t('common.clearFilters')}
        </Button>
      )}
    </Group>
  );
}
