import { useState } from 'react';
import { Anchor, Button, Card, Group, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconPencil, IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { page } from '../../../platform/http/pagination.contract.ts';
import { Campaign, CampaignMessage, CampaignReport } from '../../../modules/campaigns/campaigns.contract.ts';
import { api } from '../../api.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageLayout } from '../../components/PageLayout.tsx';
import { LoadingState } from '../../components/States.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { useFormat } from '../../lib/format.ts';
import { useApiGet, useCursorList } from '../../lib/useApi.ts';
import { CampaignFormModal } from './CampaignFormModal.tsx';
import { PreviewPanel } from './PreviewPanel.tsx';
import { MessageStatusBadge, StatusBadge } from './labels.tsx';

const MessagePage = page(CampaignMessage);
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function Stat({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} size="lg" data-testid={testId}>
        {value}
      </Text>
    </Card>
  );
}

/** One campaign: schedule and status, preview with a real customer, report and the delivery log. */
export default function CampaignPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const fmt = useFormat();
  const campaign = useApiGet(`/campaigns/${id}`, Campaign);
  const report = useApiGet(`/campaigns/${id}/report`, CampaignReport);
  const log = useCursorList(`/campaigns/${id}/messages`, MessagePage);
  const [editing, setEditing] = useState(false);

  if (campaign.loading && !campaign.data) return <LoadingState />;
  if (campaign.error || !campaign.data) return <ErrorAlert error={campaign.error} onRetry={campaign.reload} />;
  const c = campaign.data;
  const isCall = c.channel === 'call';

  const setRunning = async (run: boolean) => {
    try {
      campaign.setData(await api.post(`/campaigns/${c.id}/${run ? 'start' : 'pause'}`, { version: c.version }, Campaign));
      notifySuccess(run ? t('campaigns.started') : t('campaigns.paused'));
    } catch (e) {
      notifyError(e);
      campaign.reload();
    }
  };

  const columns: Column<CampaignMessage>[] = [
    { key: 'customer', header: t('campaigns.log.customer'), render: (m) => <Text size="sm">{m.customerName ?? m.customerId}</Text> },
    { key: 'to', header: t('campaigns.log.to'), render: (m) => <Text size="sm">{m.toAddress ?? '—'}</Text> },
    { key: 'occasion', header: t('campaigns.log.occasion'), render: (m) => <Text size="sm" ff="monospace">{m.occasionKey}</Text> },
    {
      key: 'status',
      header: t('campaigns.status'),
      render: (m) => (
        <Group gap={4}>
          <MessageStatusBadge status={m.status} />
          {m.reason && (
            <Text size="xs" c="dimmed">
              {t(`campaigns.reasons.${m.reason}`, { defaultValue: m.reason })}
            </Text>
          )}
        </Group>
      ),
    },
    { key: 'sent', header: t('campaigns.log.sentAt'), render: (m) => <Text size="sm">{fmt.dateTime(m.sentAt)}</Text> },
    { key: 'opened', header: t('campaigns.log.opened'), render: (m) => <Text size="sm">{m.clickedAt ? t('campaigns.log.clicked') : m.openedAt ? t('campaigns.log.openedYes') : '—'}</Text> },
  ];

  const r = report.data;
  return (
    <PageLayout
      title={c.name}
      description={t(`campaigns.kinds.${c.kind}`)}
      testId="campaign-page"
      actions={
        <Group>
          <StatusBadge status={c.status} />
          <Anchor component={Link} to="/campaigns" size="sm">
            {t('campaigns.backToList')}
          </Anchor>
          {c.status !== 'active' && (
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)} data-testid="campaign-edit">
              {t('common.edit')}
            </Button>
          )}
          {c.status === 'active' ? (
            <Button color="yellow" leftSection={<IconPlayerPause size={16} />} onClick={() => void setRunning(false)} data-testid="campaign-pause">
              {t('campaigns.pause')}
            </Button>
          ) : (
            <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => void setRunning(true)} disabled={c.status === 'done'} data-testid="campaign-start">
              {t('campaigns.start')}
            </Button>
          )}
        </Group>
      }
    >
      <Tabs defaultValue={isCall ? 'report' : 'preview'} keepMounted={false}>
        <Tabs.List>
          {!isCall && (
            <Tabs.Tab value="preview" data-testid="tab-preview">
              {t('campaigns.preview.title')}
            </Tabs.Tab>
          )}
          <Tabs.Tab value="report" data-testid="tab-report">
            {t('campaigns.report.title')}
          </Tabs.Tab>
        </Tabs.List>
        {!isCall && (
          <Tabs.Panel value="preview" pt="md">
            <PreviewPanel templateId={c.templateId} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="report" pt="md">
          <Stack>
            {r && (
              <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} data-testid="campaign-report">
                <Stat label={t('campaigns.report.total')} value={r.total} testId="report-total" />
                <Stat label={t('campaigns.messageStatuses.sent')} value={r.byStatus.sent ?? 0} testId="report-sent" />
                <Stat label={t('campaigns.messageStatuses.failed')} value={r.byStatus.failed ?? 0} />
                <Stat label={t('campaigns.messageStatuses.skipped')} value={r.byStatus.skipped ?? 0} />
                <Stat label={t('campaigns.report.openRate')} value={pct(r.openRate)} />
                <Stat label={t('campaigns.report.clickRate')} value={pct(r.clickRate)} />
                <Stat label={t('campaigns.report.calls')} value={`${r.callTasks.done} / ${r.callTasks.open + r.callTasks.done}`} />
              </SimpleGrid>
            )}
            {r && Object.keys(r.skippedByReason).length > 0 && (
              <Text size="sm" c="dimmed">
                {t('campaigns.report.skipped')}{' '}
                {Object.entries(r.skippedByReason)
                  .map(([k, n]) => `${t(`campaigns.reasons.${k}`, { defaultValue: k })}: ${n}`)
                  .join(' · ')}
              </Text>
            )}
            <Title order={4}>{t('campaigns.log.title')}</Title>
            <DataTable list={log} columns={columns} rowKey={(m) => m.id} testId="campaign-log" emptyTitle={t('campaigns.log.empty')} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
      <CampaignFormModal
        opened={editing}
        campaign={c}
        onClose={() => setEditing(false)}
        onSaved={(saved) => {
          setEditing(false);
          campaign.setData(saved);
          notifySuccess(t('campaigns.saved'));
        }}
      />
    </PageLayout>
  );
}
