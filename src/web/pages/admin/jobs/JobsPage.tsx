import { useState } from 'react';
import { Badge, Button, Code, SegmentedControl, Text } from '@mantine/core';
import { IconRefresh, IconRotateClockwise } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { Job, JobStatus } from '../../../../platform/jobs/jobs.contract.ts';
import { api } from '../../../api.ts';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';

const JobPage = page(Job);
const statusColor: Record<JobStatus, string> = { queued: 'gray', running: 'blue', done: 'teal', dead: 'red' };
const ALL = 'all';

export default function JobsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [status, setStatus] = useState<string>('dead');
  const list = useCursorList('/jobs', JobPage, { status: status === ALL ? undefined : status });
  const [retrying, setRetrying] = useState<number | null>(null);

  const retry = async (job: Job) => {
    setRetrying(job.id);
    try {
      await api.post(`/jobs/${job.id}/retry`, undefined, Job);
      notifySuccess(t('jobs.retried', { name: job.name }));
      list.reload();
    } catch (e) {
      notifyError(e);
    } finally {
      setRetrying(null);
    }
  };

  const columns: Column<Job>[] = [
    { key: 'id', header: '#', width: 70, render: (j) => <Text size="sm" c="dimmed">{j.id}</Text> },
    { key: 'name', header: t('jobs.name'), render: (j) => <Code data-testid="job-name">{j.name}</Code> },
    {
      key: 'status',
      header: t('jobs.status'),
      render: (j) => (
        <Badge variant="light" color={statusColor[j.status]} tt="none">
          {t(`jobs.statuses.${j.status}`)}
        </Badge>
      ),
    },
    { key: 'attempts', header: t('jobs.attempts'), align: 'right', render: (j) => `${j.attempts} / ${j.maxAttempts}` },
    {
      key: 'error',
      header: t('jobs.lastError'),
      render: (j) =>
        j.lastError ? (
          <Text size="sm" c="red" lineClamp={2} maw={360} data-testid="job-error">
            {j.lastError}
          </Text>
        ) : (
          <Text size="sm">—</Text>
        ),
    },
    { key: 'runAt', header: t('jobs.runAt'), render: (j) => <Text size="sm">{fmt.dateTime(j.runAt)}</Text> },
    { key: 'finished', header: t('jobs.finishedAt'), render: (j) => <Text size="sm">{fmt.dateTime(j.finishedAt)}</Text> },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (j) =>
        j.status === 'dead' && (
          <Button size="xs" variant="light" leftSection={<IconRotateClockwise size={14} />} loading={retrying === j.id} onClick={() => void retry(j)} data-testid="job-retry">
            {t('jobs.retry')}
          </Button>
        ),
    },
  ];

  return (
    <PageLayout
      title={t('jobs.title')}
      description={t('jobs.description')}
      testId="jobs-page"
      actions={
        <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={list.reload} data-testid="jobs-refresh">
          {t('common.refresh')}
        </Button>
      }
    >
      <DataTable
        list={list}
        columns={columns}
        rowKey={(j) => String(j.id)}
        testId="jobs"
        minWidth={960}
        expand={(j) => (j.lastError ? <Code block className="app-json">{j.lastError}</Code> : <Text size="sm" c="dimmed">{t('jobs.noError')}</Text>)}
        emptyTitle={status === 'dead' ? t('jobs.emptyDead') : t('jobs.empty')}
        emptyDescription={status === 'dead' ? t('jobs.emptyDeadHint') : undefined}
        filters={
          <SegmentedControl
            value={status}
            onChange={setStatus}
            data-testid="jobs-status-filter"
            data={[...(['dead', 'queued', 'running', 'done'] as const).map((s) => ({ value: s, label: t(`jobs.statuses.${s}`) })), { value: ALL, label: t('common.all') }]}
          />
        }
      />
    </PageLayout>
  );
}
