import { Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { Locale } from '../../../platform/i18n/i18n.contract.ts';
import { useAuth, useMe } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSubmit } from '../../components/forms.ts';
import { notifySuccess } from '../../components/notify.ts';
import { PageLayout } from '../../components/PageLayout.tsx';
import { RoleBadges } from '../../components/RoleBadges.tsx';
import { applyLocale } from '../../i18n/index.ts';
import { rememberLocale } from '../../lib/locale.ts';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';

const BROWSER = 'browser';

export default function ProfilePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { updateMe } = useAuth();
  const form = useForm({ mode: 'controlled', initialValues: { name: me.name, locale: me.localePreference ?? BROWSER } });
  const { submit, submitting, error } = useSubmit(form, async (v: typeof form.values) => {
    const locale = Locale.safeParse(v.locale).data ?? null;
    const next = await updateMe({ name: v.name.trim(), locale });
    if (locale) rememberLocale(locale);
    await applyLocale(next.locale);
    form.resetDirty();
    notifySuccess(t('account.saved'));
  });
  return (
    <PageLayout title={t('account.title')} testId="profile-page">
      <Card withBorder radius="md" p="lg">
        <Title order={4} mb="md">
          {t('account.profile')}
        </Title>
        <form onSubmit={form.onSubmit(submit)} data-testid="profile-form">
          <Stack gap="md" maw={420}>
            <div>
              <Text size="sm" fw={500}>
                {t('users.email')}
              </Text>
              <Text size="sm" c="dimmed">
                {me.email}
              </Text>
            </div>
            <Group gap="xs">
              <Text size="sm" fw={500}>
                {t('users.roles')}
              </Text>
              <RoleBadges value={me.roles} />
            </Group>
            <TextInput label={t('users.name')} required data-testid="profile-name" {...form.getInputProps('name')} />
            <Select
              label={t('account.language')}
              description={t('account.languageHint')}
              allowDeselect={false}
              data-testid="profile-locale"
              data={[
                { value: 'zh-CN', label: t('languages.zh-CN') },
                { value: 'en', label: t('languages.en') },
                { value: BROWSER, label: t('account.followBrowser') },
              ]}
              {...form.getInputProps('locale')}
            />
            <ErrorAlert error={error} />
            <Group>
              <Button type="submit" loading={submitting} data-testid="profile-save">
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <Card withBorder radius="md" p="lg">
        <Title order={4} mb="md">
          {t('account.changePassword')}
        </Title>
        <ChangePasswordForm onDone={() => notifySuccess(t('account.passwordChanged'))} />
      </Card>
    </PageLayout>
  );
}
