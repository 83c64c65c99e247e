import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Loader, MultiSelect, NumberInput, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { IconEye, IconPlus, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { RecomputeRun, TierConfig, TierPreview, type EngagementSource } from '../../../modules/customers/tiers.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { LoadingState } from '../../components/States.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { PageLayout } from '../../components/PageLayout.tsx';
import { useApiGet } from '../../lib/useApi.ts';
import { useFormat } from '../../lib/format.ts';
import { TierCard, type Draft } from './TierCard.tsx';

interface Settings {
  windowMonths: number;
  engagementSources: EngagementSource[];
  nightly: boolean;
}

const blank = (rank: number): Draft => ({
  code: '', rank, nameZh: '', nameEn: '', color: null, minMonetaryFen: null, minFrequency: null, maxRecencyDays: null, minEngagement: null,
  routingPriority: 0, dedicatedAgent: false, benefits: [], active: true,
});

/** Tiers (分级管理): definitions with RFM thresholds and service standards, preview, recompute now. */
export default function TiersPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const zh = i18n.language.startsWith('zh');
  const nf = new Intl.NumberFormat(i18n.language);
  const cfg = useApiGet('/tiers', TierConfig);
  const [version, setVersion] = useState(0);
  const [settings, setSettings] = useState<Settings>({ windowMonths: 12, engagementSources: ['tickets'], nightly: true });
  const [defs, setDefs] = useState<Draft[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<TierPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [run, setRun] = useState<RecomputeRun | null>(null);

  useEffect(() => {
    const c = cfg.data;
    if (!c) return;
    setVersion(c.version);
    setSettings({ windowMonths: c.windowMonths, engagementSources: c.engagementSources, nightly: c.nightly });
    setDefs(c.definitions.map(({ customers: _n, ...d }) => d));
    setRun(c.lastRun);
  }, [cfg.data]);

  // follow a queued or running recompute until it finishes
  const busy = run?.state === 'queued' || run?.state === 'running';
  const reloadConfig = cfg.reload;
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => {
      api
        .get('/tiers/recompute', RecomputeRun.nullable())
        .then((r) => {
          setRun(r);
          if (r && (r.state === 'done' || r.state === 'failed')) reloadConfig();
        })
        .catch(notifyError);
    }, 1000);
    return () => clearInterval(timer);
  }, [busy, reloadConfig]);

  const fieldError = (i: number) => (field: string) => error?.fieldErrors.find((f) => f.path === `definitions.${i}.${field}`)?.message;
  const body = () => ({ ...settings, definitions: defs });
  const lowest = defs.filter((d) => d.active).reduce<Draft | null>((m, d) => (m === null || d.rank < m.rank ? d : m), null);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = await api.patch('/tiers', { version, ...body() }, TierConfig);
      cfg.setData(saved);
      setPreview(null);
      notifySuccess(t('tiersAdmin.saved'));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };
  const runPreview = async () => {
    setPreviewing(true);
    setError(null);
    try {
      setPreview(await api.post('/tiers/preview', body(), TierPreview));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setPreviewing(false);
    }
  };
  const recompute = async () => {
    try {
      setRun(await api.post('/tiers/recompute', undefined, RecomputeRun));
    } catch (e) {
      notifyError(e);
    }
  };

  if (cfg.loading && !cfg.data) return <LoadingState />;
  const counts = new Map((cfg.data?.definitions ?? []).map((d) => [d.code, d.customers]));
  return (
    <PageLayout
      title={t('tiersAdmin.title')}
      description={t('tiersAdmin.description')}
      testId="tiers-page"
      actions={
        <>
          <Button variant="default" leftSection={<IconEye size={16} />} onClick={runPreview} loading={previewing} data-testid="tiers-preview">
            {t('tiersAdmin.preview')}
          </Button>
          <Button onClick={save} loading={saving} data-testid="tiers-save">
            {t('common.save')}
          </Button>
        </>
      }
    >
      <ErrorAlert error={cfg.error ?? error} onRetry={error?.isVersionConflict ? cfg.reload : undefined} />
      <Card withBorder radius="md" p="md">
        <Group align="flex-end" gap="lg">
          <NumberInput label={t('tiersAdmin.windowMonths')} value={settings.windowMonths} min={1} max={120} onChange={(v) => setSettings({ ...settings, windowMonths: Number(v) || 1 })} w={200} />
          <MultiSelect
            label={t('tiersAdmin.engagement')}
            description={t('tiersAdmin.engagementHint')}
            data={[{ value: 'tickets', label: t('tiersAdmin.source.tickets') }, { value: 'campaign_clicks', label: t('tiersAdmin.source.campaign_clicks') }]}
            value={settings.engagementSources}
            onChange={(v) => setSettings({ ...settings, engagementSources: v as EngagementSource[] })}
            w={360}
          />
          <Switch label={t('tiersAdmin.nightly')} checked={settings.nightly} onChange={(e) => setSettings({ ...settings, nightly: e.currentTarget.checked })} mb={8} />
        </Group>
        <Text size="xs" c="dimmed" mt="sm">
          {t('tiersAdmin.rule')}
        </Text>
      </Card>

      {preview && (
        <Card withBorder radius="md" p="md" data-testid="tiers-preview-result">
          <Title order={5} mb="xs">
            {t('tiersAdmin.previewTitle')}
          </Title>
          <Group gap="xs" mb="sm">
            <Badge color="teal" variant="light" tt="none">{t('tiersAdmin.up', { n: preview.up })}</Badge>
            <Badge color="red" variant="light" tt="none">{t('tiersAdmin.down', { n: preview.down })}</Badge>
            <Badge color="gray" variant="light" tt="none">{t('tiersAdmin.unchanged', { n: preview.unchanged })}</Badge>
            {preview.overridden > 0 && <Badge color="yellow" variant="light" tt="none">{t('tiersAdmin.overridden', { n: preview.overridden })}</Badge>}
          </Group>
          <Table striped withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('tiersAdmin.tier')}</Table.Th>
                <Table.Th>{t('tiersAdmin.current')}</Table.Th>
                <Table.Th>{t('tiersAdmin.proposed')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.tiers.map((r) => (
                <Table.Tr key={r.code} data-testid={`preview-row-${r.code}`}>
                  <Table.Td>{zh ? r.nameZh : r.nameEn}</Table.Td>
                  <Table.Td>{nf.format(r.current)}</Table.Td>
                  <Table.Td>{nf.format(r.proposed)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}

      <Card withBorder radius="md" p="md" data-testid="tiers-recompute">
        <Group justify="space-between">
          <div>
            <Text fw={600}>{t('tiersAdmin.recomputeTitle')}</Text>
            <Text size="sm" c="dimmed">
              {!run && t('tiersAdmin.neverRun')}
              {run && busy && t(`tiersAdmin.state.${run.state}`)}
              {run?.state === 'done' && run.result && t('tiersAdmin.doneText', { at: fmt.dateTime(run.finishedAt ?? run.requestedAt), considered: run.result.considered, changed: run.result.changed, up: run.result.up, down: run.result.down, seconds: (run.result.durationMs / 1000).toFixed(1) })}
              {run?.state === 'failed' && t('tiersAdmin.failedText', { error: run.error ?? '' })}
            </Text>
          </div>
          <Button variant="light" leftSection={busy ? <Loader size={14} /> : <IconRefresh size={16} />} onClick={recompute} disabled={busy} data-testid="tiers-recompute-button">
            {t('tiersAdmin.recomputeNow')}
          </Button>
        </Group>
      </Card>

      <Stack gap="md">
        {defs.map((d, i) => (
          <div key={i}>
            <Text size="xs" c="dimmed" mb={4}>
              {t('tiersAdmin.customersNow', { n: counts.get(d.code) ?? 0 })}
            </Text>
            <TierCard d={d} index={i} isFloor={lowest === d} error={fieldError(i)} onChange={(nd) => setDefs(defs.map((x, j) => (j === i ? nd : x)))} onRemove={() => setDefs(defs.filter((_, j) => j !== i))} />
          </div>
        ))}
        {defs.length === 0 && <Alert color="yellow">{t('tiersAdmin.noTiers')}</Alert>}
        <Group>
          <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setDefs([...defs, blank(Math.max(0, ...defs.map((d) => d.rank)) + 10)])} data-testid="tiers-add">
            {t('tiersAdmin.addTier')}
          </Button>
        </Group>
      </Stack>
    </PageLayout>
  );
}
