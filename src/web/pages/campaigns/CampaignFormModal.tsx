import { useEffect, useState } from 'react';
import { Button, Group, Modal, NumberInput, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { AudienceCount, Campaign, CampaignKind, CampaignTemplate, HolidayOption, followupKinds, type CampaignSchedule } from '../../../modules/campaigns/campaigns.contract.ts';
import { Category } from '../../../modules/catalog/catalog.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiGet } from '../../lib/useApi.ts';

interface Props {
  opened: boolean;
  campaign: Campaign | null;
  onClose: () => void;
  onSaved: (c: Campaign) => void;
}

const Templates = z.array(CampaignTemplate);
const Holidays = z.array(HolidayOption);
/** Segments come from the customers module's API; only id and name are needed here. */
const Segments = z.array(z.object({ id: z.string(), name: z.string() }).loose());
const Categories = z.array(Category);

function defaultSchedule(kind: CampaignKind): CampaignSchedule {
  switch (kind) {
    case 'holiday':
      return { kind, calendar: 'cn-standard', holiday: '春节', daysBefore: 0 };
    case 'promotion':
      return { kind, sendAt: new Date(Date.now() + 86_400_000).toISOString() };
    case 'maintenance':
      return { kind, categoryId: '', monthsAfter: 6 };
    case 'followup_purchase':
    case 'followup_repair':
      return { kind, daysAfter: 3, assigneeId: null, script: { 'zh-CN': '', en: '' } };
    default:
      return { kind: 'birthday' };
  }
}

/** Create or edit a campaign: kind-specific schedule, audience segment with live count, template of the channel. */
export function CampaignFormModal({ opened, campaign, onClose, onSaved }: Props) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const [channel, setChannel] = useState<'email' | 'sms'>('email');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [schedule, setSchedule] = useState<CampaignSchedule>({ kind: 'birthday' });
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const templates = useApiGet(opened ? '/campaign-templates' : null, Templates);
  const segments = useApiGet(opened ? '/segments' : null, Segments);
  const holidays = useApiGet(opened && schedule.kind === 'holiday' ? '/campaigns/holidays' : null, Holidays, { calendar: schedule.kind === 'holiday' ? schedule.calendar : undefined });
  const categories = useApiGet(opened && schedule.kind === 'maintenance' ? '/catalog/categories' : null, Categories);
  const count = useApiGet(opened ? '/campaigns/audience-count' : null, AudienceCount, { segmentId: segmentId ?? undefined });
  const isCall = followupKinds.includes(schedule.kind);

  useEffect(() => {
    if (!opened) return;
    setName(campaign?.name ?? '');
    setChannel(campaign?.channel === 'sms' ? 'sms' : 'email');
    setTemplateId(campaign?.templateId ?? null);
    setSegmentId(campaign?.segmentId ?? null);
    setSchedule(campaign?.schedule ?? { kind: 'birthday' });
    setError(null);
  }, [opened, campaign]);

  const fieldError = (path: string) => error?.fieldErrors.find((f) => f.path === path || f.path.startsWith(`${path}.`))?.message;
  const save = async () => {
    setSaving(true);
    setError(null);
    const body = { name, channel: isCall ? 'call' : channel, templateId: isCall ? null : templateId, segmentId, schedule };
    try {
      onSaved(campaign ? await api.patch(`/campaigns/${campaign.id}`, { ...body, version: campaign.version }, Campaign) : await api.create('/campaigns', body, Campaign));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };
  const patch = (p: Partial<CampaignSchedule>) => setSchedule((s) => ({ ...s, ...p }) as CampaignSchedule);

  return (
    <Modal opened={opened} onClose={onClose} size="lg" title={campaign ? t('campaigns.edit') : t('campaigns.create')}>
      <Stack gap="sm" data-testid="campaign-form">
        {error && !error.fieldErrors.length && <ErrorAlert error={error} />}
        <TextInput label={t('campaigns.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError('name')} required data-testid="campaign-name" />
        <Select
          label={t('campaigns.kind')}
          disabled={!!campaign}
          value={schedule.kind}
          onChange={(v) => v && setSchedule(defaultSchedule(v as CampaignKind))}
          data={CampaignKind.options.map((k) => ({ value: k, label: t(`campaigns.kinds.${k}`) }))}
          allowDeselect={false}
          data-testid="campaign-kind"
        />
        {schedule.kind === 'holiday' && (
          <Group grow>
            <Select
              label={t('campaigns.holiday')}
              searchable
              value={schedule.holiday}
              onChange={(v) => v && patch({ holiday: v })}
              data={[...new Set([schedule.holiday, ...(holidays.data ?? []).map((h) => h.name.split(' ')[0])])]}
              error={fieldError('schedule')}
            />
            <NumberInput label={t('campaigns.daysBefore')} min={0} max={30} value={schedule.daysBefore} onChange={(v) => patch({ daysBefore: Number(v) || 0 })} />
          </Group>
        )}
        {schedule.kind === 'promotion' && (
          <TextInput
            type="datetime-local"
            label={t('campaigns.sendAt')}
            value={schedule.sendAt.slice(0, 16)}
            onChange={(e) => e.currentTarget.value && patch({ sendAt: new Date(e.currentTarget.value).toISOString() })}
            error={fieldError('schedule')}
          />
        )}
        {schedule.kind === 'maintenance' && (
          <Group grow>
            <Select label={t('campaigns.category')} value={schedule.categoryId || null} onChange={(v) => patch({ categoryId: v ?? '' })} data={(categories.data ?? []).map((c) => ({ value: c.id, label: i18n.language === 'en' ? c.nameEn : c.nameZh }))} error={fieldError('schedule')} />
            <NumberInput label={t('campaigns.monthsAfter')} min={1} max={120} value={schedule.monthsAfter} onChange={(v) => patch({ monthsAfter: Number(v) || 1 })} />
          </Group>
        )}
        {(schedule.kind === 'followup_purchase' || schedule.kind === 'followup_repair') && (
          <>
            <NumberInput label={t('campaigns.daysAfter')} min={0} max={365} value={schedule.daysAfter} onChange={(v) => patch({ daysAfter: Number(v) || 0 })} />
            <Textarea label={t('campaigns.scriptZh')} autosize minRows={2} value={schedule.script['zh-CN']} onChange={(e) => patch({ script: { ...schedule.script, 'zh-CN': e.currentTarget.value } })} />
            <Textarea label={t('campaigns.scriptEn')} autosize minRows={2} value={schedule.script.en} onChange={(e) => patch({ script: { ...schedule.script, en: e.currentTarget.value } })} />
            <Text size="xs" c="dimmed">
              {t('campaigns.followupHint', { vars: '{{customerName}} {{orderNumber}} {{productName}} {{ticketNumber}}', interpolation: { escapeValue: false } })}
            </Text>
          </>
        )}
        {!isCall && (
          <Group grow align="flex-start">
            <Select label={t('campaigns.channel')} value={channel} onChange={(v) => v && setChannel(v as 'email' | 'sms')} data={[{ value: 'email', label: t('campaigns.channels.email') }, { value: 'sms', label: t('campaigns.channels.sms') }]} allowDeselect={false} />
            <Select
              label={t('campaigns.template')}
              value={templateId}
              onChange={setTemplateId}
              data={(templates.data ?? []).filter((x) => x.channel === channel).map((x) => ({ value: x.id, label: x.name }))}
              error={fieldError('templateId') ?? fieldError('channel')}
              data-testid="campaign-template"
            />
          </Group>
        )}
        {!isCall && (
          <Select
            label={t('campaigns.audience')}
            clearable
            placeholder={t('campaigns.allCustomers')}
            value={segmentId}
            onChange={setSegmentId}
            data={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            description={count.data ? t('campaigns.audienceCount', { count: count.data.count }) : undefined}
            data-testid="campaign-segment"
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={saving} data-testid="campaign-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
