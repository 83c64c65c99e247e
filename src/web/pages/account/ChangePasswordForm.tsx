import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSubmit } from '../../components/forms.ts';

const MIN = 8;

export function ChangePasswordForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { updateMe } = useAuth();
  const form = useForm({
    mode: 'controlled',
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: {
      currentPassword: (v) => (v ? null : t('validation.required')),
      newPassword: (v, all) => (v.length < MIN ? t('validation.minChars', { count: MIN }) : v === all.currentPassword ? t('account.sameAsOld') : null),
      confirm: (v, all) => (v === all.newPassword ? null : t('account.mismatch')),
    },
  });
  const { submit, submitting, error } = useSubmit(form, async (v: typeof form.values) => {
    await updateMe({ currentPassword: v.currentPassword, newPassword: v.newPassword });
    form.reset();
    onDone();
  });
  return (
    <form onSubmit={form.onSubmit(submit)} noValidate data-testid="change-password-form">
      <Stack gap="md" maw={420}>
        <PasswordInput label={t('account.currentPassword')} autoComplete="current-password" data-testid="current-password" {...form.getInputProps('currentPassword')} />
        <PasswordInput label={t('account.newPassword')} description={t('account.passwordRule', { count: MIN })} autoComplete="new-password" data-testid="new-password" {...form.getInputProps('newPassword')} />
        <PasswordInput label={t('account.confirmPassword')} autoComplete="new-password" data-testid="confirm-password" {...form.getInputProps('confirm')} />
        <ErrorAlert error={error} />
        <Group>
          <Button type="submit" loading={submitting} data-testid="change-password-submit">
            {t('account.changePassword')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
