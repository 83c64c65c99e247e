import { useEffect, useState } from 'react';
import { Button, Code, Divider, Group, Modal, SegmentedControl, Stack, Tabs, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CampaignTemplate, templateVariables, type CreateTemplate, type MessageChannel, type TemplateLocale } from '../../../modules/campaigns/campaigns.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PreviewPanel } from './PreviewPanel.tsx';

interface Props {
  opened: boolean;
  template: CampaignTemplate | null;
  onClose: () => void;
  onSaved: (t: CampaignTemplate) => void;
}

type Body = { subject: string; text: string; html: string };
const empty: Body = { subject: '', text: '', html: '' };

/** Template editor: both language versions side by side in tabs, variables listed, live preview with a real customer. */
export function TemplateFormModal({ opened, template, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [channel, setChannel] = useState<MessageChannel>('email');
  const [smsTemplateId, setSmsTemplateId] = useState('');
  const [bodies, setBodies] = useState<Record<TemplateLocale, Body>>({ 'zh-CN': empty, en: empty });
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!opened) return;
    setName(template?.name ?? '');
    setChannel(template?.channel ?? 'email');
    setSmsTemplateId(template?.smsTemplateId ?? '');
    const of = (l: TemplateLocale): Body => {
      const b = template?.bodies[l];
      return b ? { subject: b.subject, text: b.text, html: b.html ?? '' } : empty;
    };
    setBodies({ 'zh-CN': of('zh-CN'), en: of('en') });
    setError(null);
  }, [opened, template]);

  const draft: CreateTemplate = {
    name: name || '—',
    channel,
    smsTemplateId: smsTemplateId || null,
    bodies: Object.fromEntries(
      (['zh-CN', 'en'] as const).filter((l) => bodies[l].text.trim()).map((l) => [l, { subject: channel === 'email' ? bodies[l].subject : '', text: bodies[l].text, html: channel === 'email' && bodies[l].html.trim() ? bodies[l].html : null }]),
    ),
  };
  const set = (l: TemplateLocale, field: keyof Body, v: string) => setBodies((b) => ({ ...b, [l]: { ...b[l], [field]: v } }));
  const fieldError = (path: string) => error?.fieldErrors.find((f) => f.path === path)?.message;

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = template
        ? await api.patch(`/campaign-templates/${template.id}`, { ...draft, name, version: template.version }, CampaignTemplate)
        : await api.create('/campaign-templates', { ...draft, name }, CampaignTemplate);
      onSaved(saved);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={template ? t('campaigns.templates.edit') : t('campaigns.templates.create')}>
      <Stack gap="sm" data-testid="template-form">
        {error && !error.fieldErrors.length && <ErrorAlert error={error} />}
        <Group grow align="flex-start">
          <TextInput label={t('campaigns.templates.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError('name')} required data-testid="template-name" />
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t('campaigns.channel')}
            </Text>
            <SegmentedControl value={channel} onChange={(v) => setChannel(v as MessageChannel)} data={[{ value: 'email', label: t('campaigns.channels.email') }, { value: 'sms', label: t('campaigns.channels.sms') }]} />
          </div>
          {channel === 'sms' && <TextInput label={t('campaigns.templates.smsTemplateId')} value={smsTemplateId} onChange={(e) => setSmsTemplateId(e.currentTarget.value)} />}
        </Group>
        <Text size="xs" c="dimmed">
          {t('campaigns.templates.variables')}{' '}
          {templateVariables.map((v) => (
            <Code key={v} mr={4}>{`{{${v}}}`}</Code>
          ))}
        </Text>
        {fieldError('bodies') && (
          <Text c="red" size="sm">
            {fieldError('bodies')}
          </Text>
        )}
        <Tabs defaultValue="zh-CN">
          <Tabs.List>
            <Tabs.Tab value="zh-CN">中文</Tabs.Tab>
            <Tabs.Tab value="en">English</Tabs.Tab>
          </Tabs.List>
          {(['zh-CN', 'en'] as const).map((l) => (
            <Tabs.Panel key={l} value={l} pt="sm">
              <Stack gap="xs">
                {channel === 'email' && <TextInput label={t('campaigns.templates.subject')} value={bodies[l].subject} onChange={(e) => set(l, 'subject', e.currentTarget.value)} error={fieldError(`bodies.${l}.subject`)} data-testid={`template-subject-${l}`} />}
                <Textarea
                  label={channel === 'email' ? t('campaigns.templates.text') : t('campaigns.templates.smsText')}
                  autosize
                  minRows={4}
                  value={bodies[l].text}
                  onChange={(e) => set(l, 'text', e.currentTarget.value)}
                  error={fieldError(`bodies.${l}.text`)}
                  description={channel === 'sms' ? t('campaigns.templates.smsCount', { length: [...bodies[l].text].length }) : undefined}
                  data-testid={`template-text-${l}`}
                />
                {channel === 'email' && (
                  <Textarea label={t('campaigns.templates.html')} description={t('campaigns.templates.htmlHint')} autosize minRows={3} value={bodies[l].html} onChange={(e) => set(l, 'html', e.currentTarget.value)} error={fieldError(`bodies.${l}.html`)} ff="monospace" />
                )}
              </Stack>
            </Tabs.Panel>
          ))}
        </Tabs>
        <Divider label={t('campaigns.preview.title')} labelPosition="left" />
        {Object.keys(draft.bodies).length > 0 ? (
          <PreviewPanel draft={draft} />
        ) : (
          <Text size="sm" c="dimmed">
            {t('campaigns.preview.writeFirst')}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={saving} data-testid="template-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
