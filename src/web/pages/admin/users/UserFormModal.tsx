import { useState } from 'react';
import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { User, UserCreated } from '../../../../platform/auth/users.contract.ts';
import { Locale } from '../../../../platform/i18n/i18n.contract.ts';
import { api } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import { notifyError } from '../../../components/notify.ts';
import { isRole, RoleMultiSelect } from '../../../components/RoleBadges.tsx';

const DEFAULT = 'default';

interface Props {
  opened: boolean;
  /** null: create a new user */
  user: User | null;
  onClose: () => void;
  onCreated: (user: User, temporaryPassword: string | null) => void;
  onSaved: (user: User) => void;
}

function valuesOf(user: User | null) {
  return {
    email: user?.email ?? '',
    name: user?.name ?? '',
    phone: user?.phone ?? '',
    roles: (user?.roles ?? ['agent']) as string[],
    locale: user?.locale ?? DEFAULT,
    password: '',
  };
}

/** Create or edit a user; the form inside is mounted afresh each time the dialog opens. */
export function UserFormModal(props: Props) {
  const { t } = useTranslation();
  const { opened, user, onClose } = props;
  return (
    <Modal opened={opened} onClose={onClose} title={user ? t('users.editTitle', { name: user.name }) : t('users.createTitle')} size="lg" centered data-testid="user-form-modal">
      <UserForm {...props} />
    </Modal>
  );
}

function UserForm({ user, onClose, onCreated, onSaved }: Props) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(user?.version ?? 0);
  const [key, renewKey] = useIdempotencyKey();
  const form = useForm({
    mode: 'controlled',
    initialValues: valuesOf(user),
    validate: {
      email: (v) => (user || /^\S+@\S+\.\S+$/.test(v.trim()) ? null : t('validation.email')),
      name: (v) => (v.trim() ? null : t('validation.required')),
      roles: (v) => (v.length ? null : t('validation.pickOne')),
      password: (v) => (v && v.length < 8 ? t('validation.minChars', { count: 8 }) : null),
    },
  });

  const { submit, submitting, error, clearError } = useSubmit(form, async (v: typeof form.values) => {
    const roles = v.roles.filter(isRole);
    const locale = Locale.safeParse(v.locale).data ?? null;
    try {
      if (user) {
        const saved = await api.patch(`/users/${user.id}`, { version, name: v.name.trim(), phone: v.phone.trim() || null, roles, locale }, User);
        onSaved(saved);
      } else {
        const created = await api.create(
          '/users',
          { email: v.email.trim(), name: v.name.trim(), roles, locale, ...(v.phone.trim() ? { phone: v.phone.trim() } : {}), ...(v.password ? { password: v.password } : {}) },
          UserCreated,
          key,
        );
        renewKey();
        onCreated(created.user, created.temporaryPassword);
      }
    } catch (e) {
      renewKey();
      throw e;
    }
  });

  const reloadLatest = async () => {
    if (!user) return;
    const latest = await api.get(`/users/${user.id}`, User);
    setVersion(latest.version);
    form.setValues(valuesOf(latest));
    clearError();
  };

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <TextInput label={t('users.email')} required disabled={!!user} type="email" data-testid="user-email" {...form.getInputProps('email')} />
        <TextInput label={t('users.name')} required data-testid="user-name" {...form.getInputProps('name')} />
        <TextInput label={t('users.phone')} data-testid="user-phone" {...form.getInputProps('phone')} />
        <RoleMultiSelect label={t('users.roles')} required data-testid="user-roles" {...form.getInputProps('roles')} />
        <Select
          label={t('users.locale')}
          allowDeselect={false}
          data-testid="user-locale"
          data={[
            { value: DEFAULT, label: t('users.localeDefault') },
            { value: 'zh-CN', label: t('languages.zh-CN') },
            { value: 'en', label: t('languages.en') },
          ]}
          {...form.getInputProps('locale')}
        />
        {!user && (
          <PasswordInput label={t('users.initialPassword')} description={t('users.initialPasswordHint')} autoComplete="new-password" data-testid="user-password" {...form.getInputProps('password')} />
        )}
        <ErrorAlert error={error} onRetry={error?.isVersionConflict ? () => reloadLatest().catch(notifyError) : undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="user-submit">
            {user ? t('common.save') : t('users.submitCreate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
