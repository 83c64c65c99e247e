import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { ApiTokenCreated } from '../../../../platform/auth/tokens.contract.ts';
import { api } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import { isRole, RoleMultiSelect } from '../../../components/RoleBadges.tsx';
import { useFormat, zonedDayBoundary } from '../../../lib/format.ts';

interface Props {
  opened: boolean;
  onClose: () => void;
  onCreated: (created: { name: string; secret: string }) => void;
}

const presets = ['never', '30', '90', '365', 'custom'] as const;

export function CreateTokenModal(props: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('tokens.createTitle')} size="lg" centered data-testid="token-form-modal">
      <CreateTokenForm {...props} />
    </Modal>
  );
}

function CreateTokenForm({ onClose, onCreated }: Props) {
  const { t } = useTranslation();
  const { timeZone } = useFormat();
  const [key, renewKey] = useIdempotencyKey();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', roles: [] as string[], expiry: '90' as string, expiresOn: '' },
    validate: {
      name: (v) => (v.trim() ? null : t('validation.required')),
      roles: (v) => (v.length ? null : t('validation.pickOne')),
      expiresOn: (v, all) => (all.expiry !== 'custom' ? null : !v ? t('validation.required') : new Date(v) <= new Date() ? t('tokens.expiryPast') : null),
    },
  });

  const expiresAt = (v: typeof form.values): string | undefined => {
    if (v.expiry === 'never') return undefined;
    if (v.expiry === 'custom') return zonedDayBoundary(v.expiresOn, timeZone, true);
    return new Date(Date.now() + Number(v.expiry) * 24 * 3600 * 1000).toISOString();
  };

  const { submit, submitting, error } = useSubmit(form, async (v: typeof form.values) => {
    const expiry = expiresAt(v);
    try {
      const created = await api.create('/api-tokens', { name: v.name.trim(), roles: v.roles.filter(isRole), ...(expiry ? { expiresAt: expiry } : {}) }, ApiTokenCreated, key);
      renewKey();
      onCreated({ name: created.token.name, secret: created.secret });
    } catch (e) {
      renewKey();
      throw e;
    }
  });

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <TextInput label={t('tokens.name')} description={t('tokens.nameHint')} required data-testid="token-name" {...form.getInputProps('name')} />
        <RoleMultiSelect label={t('tokens.roles')} description={t('tokens.rolesHint')} required data-testid="token-roles" {...form.getInputProps('roles')} />
        <Select
          label={t('tokens.expiry')}
          allowDeselect={false}
          data={presets.map((p) => ({ value: p, label: t(`tokens.expiryOptions.${p}`) }))}
          data-testid="token-expiry"
          {...form.getInputProps('expiry')}
        />
        {form.values.expiry === 'custom' && <TextInput type="date" label={t('tokens.expiresOn')} description={t('tokens.expiresOnHint', { timeZone })} data-testid="token-expires-on" {...form.getInputProps('expiresOn')} />}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="token-submit">
            {t('tokens.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
