import { useState } from 'react';
import { Alert, Button, Group, NumberInput, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ClvSettings } from '../../../modules/orders/clv.contract.ts';
import { request, toApiError, type ApiError } from '../../api.ts';
import { fieldMessages } from '../../lib/fieldErrors.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { LoadingState } from '../../components/States.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { PageLayout } from '../../components/PageLayout.tsx';
import { useApiGet } from '../../lib/useApi.ts';

/** The organisation's assumptions for predicted CLV, with the definition next to them (PRODUCT.md KPIs). */
export default function ClvSettingsPage() {
  const { t, i18n } = useTranslation();
  const loaded = useApiGet('/orders/clv-settings', ClvSettings);
  return (
    <PageLayout title={t('orders.clv.title')} description={t('orders.clv.description')} testId="clv-settings-page">
      {loaded.loading && !loaded.data && <LoadingState />}
      <ErrorAlert error={loaded.error} onRetry={loaded.reload} />
      {loaded.data && (
        <ClvForm
          key={loaded.data.version}
          settings={loaded.data}
          definition={i18n.language.startsWith('zh') ? loaded.data.definition['zh-CN'] : loaded.data.definition.en}
          onSaved={(s) => {
            loaded.setData(s);
            notifySuccess(t('orders.clv.saved'));
          }}
          onReload={loaded.reload}
        />
      )}
    </PageLayout>
  );
}

function ClvForm({ settings, definition, onSaved, onReload }: { settings: ClvSettings; definition: string; onSaved: (s: ClvSettings) => void; onReload: () => void }) {
  const { t } = useTranslation();
  const [years, setYears] = useState<number | string>(settings.expectedLifetimeYears);
  const [margin, setMargin] = useState<number | string>(Math.round(settings.marginRate * 10000) / 100);
  const [error, setError] = useState<ApiError | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await request('PUT', '/orders/clv-settings', { body: { version: settings.version, expectedLifetimeYears: Number(years), marginRate: Number(margin) / 100, currency: settings.currency }, schema: ClvSettings }));
    } catch (e) {
      const err = toApiError(e);
      setFieldErrors(fieldMessages(err.fieldErrors));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="lg" radius="md" maw={640}>
      <Stack>
        <Alert variant="light" title={t('orders.clv.definition')} data-testid="clv-definition">
          <Text size="sm">{definition}</Text>
        </Alert>
        <NumberInput label={t('orders.clv.lifetime')} min={0.1} max={100} decimalScale={2} value={years} onChange={setYears} error={fieldErrors.expectedLifetimeYears} data-testid="clv-lifetime" />
        <NumberInput label={t('orders.clv.margin')} min={0} max={100} decimalScale={2} suffix=" %" value={margin} onChange={setMargin} error={fieldErrors.marginRate} data-testid="clv-margin" />
        <Text size="sm" c="dimmed">
          {t('orders.clv.currency', { currency: settings.currency })}
        </Text>
        <ErrorAlert error={error} onRetry={error?.isVersionConflict ? onReload : undefined} />
        <Group justify="flex-end">
          <Button onClick={() => void save()} loading={busy} data-testid="clv-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
