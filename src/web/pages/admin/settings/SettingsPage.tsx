import { useMemo, useState } from 'react';
import { Button, Card, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { TenantSettings } from '../../../../platform/tenancy/settings.contract.ts';
import { Locale } from '../../../../platform/i18n/i18n.contract.ts';
import { api } from '../../../api.ts';
import { useAuth } from '../../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useSubmit } from '../../../components/forms.ts';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { LoadingState } from '../../../components/States.tsx';
import { useFormat } from '../../../lib/format.ts';
import { allTimeZones, commonTimeZones, utcOffsetLabel } from '../../../lib/timeZones.ts';
import { useApiGet } from '../../../lib/useApi.ts';
import { LogoField } from './LogoField.tsx';

export default function SettingsPage() {
  const { t } = useTranslation();
  const settings = useApiGet('/settings', TenantSettings);
  return (
    <PageLayout title={t('settings.title')} description={t('settings.description')} testId="settings-page">
      {settings.loading && !settings.data && <LoadingState />}
      {settings.error && <ErrorAlert error={settings.error} onRetry={settings.reload} />}
      {settings.data && <SettingsForm key={settings.data.version} settings={settings.data} onSaved={settings.setData} />}
    </PageLayout>
  );
}

function SettingsForm({ settings, onSaved }: { settings: TenantSettings; onSaved: (s: TenantSettings) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { allows, refresh } = useAuth();
  const readOnly = !allows('settings.manage');
  const [version, setVersion] = useState(settings.version);
  const initial = { name: settings.name, timeZone: settings.timeZone, defaultLocale: settings.defaultLocale as string, logo: settings.logo };
  const form = useForm({ mode: 'controlled', initialValues: initial, validate: { name: (v) => (v.trim() ? null : t('validation.required')) } });
  const zones = useMemo(() => {
    const label = (z: string) => `${z.replace(/_/g, ' ')}  (${utcOffsetLabel(z)})`;
    const common = commonTimeZones.map((z) => ({ value: z, label: label(z) }));
    const rest = allTimeZones()
      .filter((z) => !commonTimeZones.includes(z))
      .map((z) => ({ value: z, label: label(z) }));
    return [
      { group: t('settings.commonZones'), items: common },
      { group: t('settings.allZones'), items: rest },
    ];
  }, [t]);

  const { submit, submitting, error, clearError } = useSubmit(form, async (v: typeof form.values) => {
    const saved = await api.patch(
      '/settings',
      { version, name: v.name.trim(), timeZone: v.timeZone, defaultLocale: Locale.parse(v.defaultLocale), logo: v.logo },
      TenantSettings,
    );
    notifySuccess(t('settings.saved'));
    onSaved(saved);
    await refresh();
  });

  const reloadLatest = async () => {
    const latest = await api.get('/settings', TenantSettings);
    setVersion(latest.version);
    form.setValues({ name: latest.name, timeZone: latest.timeZone, defaultLocale: latest.defaultLocale, logo: latest.logo });
    clearError();
  };

  return (
    <Card withBorder radius="md" p="lg">
      <form onSubmit={form.onSubmit(submit)} noValidate data-testid="settings-form">
        <Stack gap="lg" maw={560}>
          <TextInput label={t('settings.name')} required disabled={readOnly} data-testid="settings-name" {...form.getInputProps('name')} />
          <div>
            <Text size="sm" fw={500}>
              {t('settings.code')}
            </Text>
            <Text size="sm" c="dimmed" ff="monospace">
              {settings.slug}
            </Text>
          </div>
          <Select
            label={t('settings.timeZone')}
            description={t('settings.timeZoneHint')}
            searchable
            allowDeselect={false}
            disabled={readOnly}
            nothingFoundMessage={t('common.nothingFound')}
            data={zones}
            maxDropdownHeight={320}
            data-testid="settings-timezone"
            {...form.getInputProps('timeZone')}
          />
          <Select
            label={t('settings.defaultLocale')}
            description={t('settings.defaultLocaleHint')}
            allowDeselect={false}
            disabled={readOnly}
            data={[
              { value: 'zh-CN', label: t('languages.zh-CN') },
              { value: 'en', label: t('languages.en') },
            ]}
            data-testid="settings-locale"
            {...form.getInputProps('defaultLocale')}
          />
          {!readOnly && <LogoField value={form.values.logo} onChange={(v) => form.setFieldValue('logo', v)} error={form.errors.logo} />}
          <ErrorAlert error={error} onRetry={error?.isVersionConflict ? () => reloadLatest().catch(notifyError) : undefined} />
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {t('common.lastUpdated', { at: fmt.dateTime(settings.updatedAt) })}
            </Text>
            {!readOnly && (
              <Button type="submit" loading={submitting} disabled={!form.isDirty()} data-testid="settings-save">
                {t('common.save')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
