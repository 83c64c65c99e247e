import { useEffect, useState } from 'react';
import { Alert, Badge, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { RenderedMessage, type CreateTemplate } from '../../../modules/campaigns/campaigns.contract.ts';
import type { Customer } from '../../../modules/customers/customers.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { CustomerSelect } from '../tickets/CustomerPicker.tsx';

interface Props {
  /** a saved template, or the draft being edited */
  templateId?: string | null;
  draft?: CreateTemplate | null;
}

/** Renders the template for a real customer: the customer's own language by default, or zh-CN / en on demand. */
export function PreviewPanel({ templateId, draft }: Props) {
  const { t } = useTranslation();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [locale, setLocale] = useState<'auto' | 'zh-CN' | 'en'>('auto');
  const [out, setOut] = useState<RenderedMessage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const draftKey = JSON.stringify(draft ?? null);

  useEffect(() => {
    if (!customer || (!templateId && !draft)) return;
    let cancelled = false;
    const body = { customerId: customer.id, ...(draft ? { draft: JSON.parse(draftKey) as CreateTemplate } : { templateId }), ...(locale === 'auto' ? {} : { locale }) };
    const timer = setTimeout(() => {
      api
        .post('/campaign-templates/render', body, RenderedMessage)
        .then((r) => !cancelled && (setOut(r), setError(null)))
        .catch((e: unknown) => !cancelled && (setError(toApiError(e)), setOut(null)));
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // the draft is compared by value (draftKey), not by object identity
  }, [customer, templateId, draftKey, locale]);

  return (
    <Stack gap="sm" data-testid="campaign-preview">
      <Group align="flex-end" wrap="wrap">
        <CustomerSelect label={t('campaigns.preview.customer')} value={customer} onChange={setCustomer} w={320} data-testid="preview-customer" />
        <SegmentedControl
          value={locale}
          onChange={(v) => setLocale(v as typeof locale)}
          data={[
            { value: 'auto', label: t('campaigns.preview.customerLanguage') },
            { value: 'zh-CN', label: '中文' },
            { value: 'en', label: 'English' },
          ]}
          data-testid="preview-locale"
        />
      </Group>
      {!customer && (
        <Text size="sm" c="dimmed">
          {t('campaigns.preview.pickCustomer')}
        </Text>
      )}
      {error && (
        <Alert color="red" data-testid="preview-error">
          {error.fieldErrors.length ? error.fieldErrors.map((f) => f.message).join(' ') : error.message}
        </Alert>
      )}
      {out && customer && (
        <Paper withBorder p="md" data-testid="preview-output">
          <Group gap="xs" mb="xs">
            <Badge variant="light" data-testid="preview-output-locale">
              {out.locale === 'en' ? 'English' : '中文'}
            </Badge>
            {out.smsLength !== null && (
              <Badge variant="outline" color="gray" data-testid="preview-sms-length">
                {t('campaigns.preview.smsLength', { length: out.smsLength, parts: out.smsParts })}
              </Badge>
            )}
          </Group>
          {out.subject && (
            <Text fw={600} mb="xs" data-testid="preview-subject">
              {out.subject}
            </Text>
          )}
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-text">
            {out.text}
          </Text>
          {out.html && (
            <iframe title={t('campaigns.preview.html')} sandbox="" srcDoc={out.html} style={{ width: '100%', minHeight: 180, border: '1px solid var(--mantine-color-gray-3)', marginTop: 12 }} />
          )}
        </Paper>
      )}
    </Stack>
  );
}
