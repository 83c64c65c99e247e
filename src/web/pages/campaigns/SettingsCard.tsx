import { useEffect, useState } from 'react';
import { Button, Card, Group, NumberInput, PasswordInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CampaignSettings } from '../../../modules/campaigns/campaigns.contract.ts';
import { request, toApiError, type ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { useApiGet } from '../../lib/useApi.ts';

/** Frequency cap, daily run time and the SMS gateway (URL, HMAC or bearer secret, signature). */
export function SettingsCard() {
  const { t } = useTranslation();
  const loaded = useApiGet('/campaign-settings', CampaignSettings);
  const [form, setForm] = useState<CampaignSettings | null>(null);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setForm(loaded.data ?? null), [loaded.data]);
  if (!form) return null;
  const fe = (p: string) => error?.fieldErrors.find((f) => f.path === p)?.message;

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const body = { version: form.version, capMessages: form.capMessages, capWindowDays: form.capWindowDays, dailyRunAt: form.dailyRunAt, smsGatewayUrl: form.smsGatewayUrl || null, smsAuth: form.smsAuth, smsSignature: form.smsSignature, ...(secret ? { smsSecret: secret } : {}) };
      loaded.setData(await request('PUT', '/campaign-settings', { body, schema: CampaignSettings }));
      setSecret('');
      notifySuccess(t('campaigns.settings.saved'));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card withBorder data-testid="campaign-settings">
      <Stack gap="sm">
        <Title order={4}>{t('campaigns.settings.title')}</Title>
        {error && !error.fieldErrors.length && <ErrorAlert error={error} />}
        <Group grow align="flex-start">
          <NumberInput label={t('campaigns.settings.capMessages')} min={1} max={100} value={form.capMessages} onChange={(v) => setForm({ ...form, capMessages: Number(v) || 1 })} error={fe('capMessages')} />
          <NumberInput label={t('campaigns.settings.capWindowDays')} min={1} max={365} value={form.capWindowDays} onChange={(v) => setForm({ ...form, capWindowDays: Number(v) || 1 })} error={fe('capWindowDays')} />
          <TextInput label={t('campaigns.settings.dailyRunAt')} value={form.dailyRunAt} onChange={(e) => setForm({ ...form, dailyRunAt: e.currentTarget.value })} error={fe('dailyRunAt')} />
        </Group>
        <Text size="xs" c="dimmed">
          {t('campaigns.settings.consentHint')}
        </Text>
        <Group grow align="flex-start">
          <TextInput label={t('campaigns.settings.smsGatewayUrl')} placeholder="https://sms.example.cn/send" value={form.smsGatewayUrl ?? ''} onChange={(e) => setForm({ ...form, smsGatewayUrl: e.currentTarget.value })} error={fe('smsGatewayUrl')} />
          <Select label={t('campaigns.settings.smsAuth')} value={form.smsAuth} onChange={(v) => v && setForm({ ...form, smsAuth: v as 'hmac' | 'bearer' })} data={[{ value: 'hmac', label: 'HMAC-SHA256' }, { value: 'bearer', label: 'Bearer' }]} allowDeselect={false} />
        </Group>
        <Group grow align="flex-start">
          <PasswordInput label={t('campaigns.settings.smsSecret')} placeholder={form.smsSecretSet ? t('campaigns.settings.secretKept') : ''} value={secret} onChange={(e) => setSecret(e.currentTarget.value)} error={fe('smsSecret')} />
          <TextInput label={t('campaigns.settings.smsSignature')} placeholder="【演示电器】" value={form.smsSignature} onChange={(e) => setForm({ ...form, smsSignature: e.currentTarget.value })} error={fe('smsSignature')} />
        </Group>
        <Group justify="flex-end">
          <Button onClick={() => void save()} loading={saving} data-testid="campaign-settings-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
