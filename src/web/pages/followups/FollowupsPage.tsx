import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, SegmentedControl, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconPhone } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { CallOutcome, CallTask } from '../../../modules/campaigns/campaigns.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageLayout } from '../../components/PageLayout.tsx';
import { EmptyState, LoadingState } from '../../components/States.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';

const Tasks = z.array(CallTask);

/** The outcome form of one call: reached / not reached / satisfied / problem (→ a ticket), with notes. */
function TaskCard({ task, onChanged }: { task: CallTask; onChanged: (t: CallTask) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { me } = useAuth();
  const [outcome, setOutcome] = useState<CallOutcome>('reached');
  const [notes, setNotes] = useState('');
  const [subject, setSubject] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const overdue = task.status === 'open' && new Date(task.dueAt) < new Date();

  const run = async (fn: () => Promise<CallTask>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await fn());
      notifySuccess(done);
      setNotes('');
      setSubject('');
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const record = () =>
    run(() => api.post(`/call-tasks/${task.id}/outcome`, { version: task.version, outcome, notes, ...(outcome === 'problem' ? { problemSubject: subject } : {}) }, CallTask), t('followups.recorded'));
  const claim = () => run(() => api.post(`/call-tasks/${task.id}/claim`, { version: task.version }, CallTask), t('followups.claimed'));

  return (
    <Card withBorder data-testid="call-task">
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Text fw={600}>{task.customerName ?? task.customerId}</Text>
            {task.customerPhone && (
              <Anchor href={`tel:${task.customerPhone}`} size="sm">
                <Group gap={4}>
                  <IconPhone size={14} />
                  {task.customerPhone}
                </Group>
              </Anchor>
            )}
          </Group>
          <Group gap="xs">
            <Badge variant="light" tt="none">
              {task.campaignName}
            </Badge>
            <Badge color={overdue ? 'red' : 'gray'} variant="outline" tt="none">
              {t('followups.due', { at: fmt.dateTime(task.dueAt) })}
            </Badge>
            {task.callAttempts > 0 && <Badge variant="outline" tt="none">{t('followups.attempts', { count: task.callAttempts })}</Badge>}
          </Group>
        </Group>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="call-script">
          {task.script || t('followups.noScript')}
        </Text>
        {task.notes && (
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
            {task.notes}
          </Text>
        )}
        {error && <ErrorAlert error={error} />}
        {task.status === 'done' ? (
          <Group gap="xs">
            <Badge>{t(`followups.outcomes.${task.outcome ?? 'reached'}`)}</Badge>
            {task.ticketId && (
              <Anchor component={Link} to={`/tickets/${task.ticketId}`} size="sm" data-testid="call-ticket-link">
                {t('followups.openTicket')}
              </Anchor>
            )}
          </Group>
        ) : task.assigneeId === null ? (
          <Group>
            <Button size="xs" onClick={() => void claim()} loading={busy} data-testid="call-claim">
              {t('followups.claim')}
            </Button>
          </Group>
        ) : (
          task.assigneeId === me?.id && (
            <Stack gap="xs">
              <SegmentedControl value={outcome} onChange={(v) => setOutcome(v as CallOutcome)} data={CallOutcome.options.map((o) => ({ value: o, label: t(`followups.outcomes.${o}`) }))} data-testid="call-outcome" />
              {outcome === 'problem' && (
                <TextInput label={t('followups.problemSubject')} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={error?.fieldErrors.find((f) => f.path === 'problemSubject')?.message} data-testid="call-problem-subject" />
              )}
              <Textarea label={t('followups.notes')} autosize minRows={2} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} data-testid="call-notes" />
              <Group justify="flex-end">
                <Button size="xs" onClick={() => void record()} loading={busy} data-testid="call-record">
                  {t('followups.record')}
                </Button>
              </Group>
            </Stack>
          )
        )}
      </Stack>
    </Card>
  );
}

/** "My call tasks": follow-up visits (回访) assigned to me or not yet taken, soonest due first. */
export default function FollowupsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'open' | 'done'>('open');
  const list = useApiGet('/call-tasks', Tasks, { scope: 'mine', status });

  let body;
  if (list.loading && !list.data) body = <LoadingState />;
  else if (list.error) body = <ErrorAlert error={list.error} onRetry={list.reload} />;
  else if (!list.data?.length) body = <EmptyState title={t('followups.empty')} description={t('followups.emptyHint')} />;
  else
    body = (
      <Stack>
        {list.data.map((task) => (
          <TaskCard key={task.id} task={task} onChanged={(next) => list.setData(list.data!.map((x) => (x.id === next.id ? next : x)))} />
        ))}
      </Stack>
    );
  return (
    <PageLayout
      title={t('followups.title')}
      description={t('followups.description')}
      testId="followups-page"
      actions={<SegmentedControl value={status} onChange={(v) => setStatus(v as 'open' | 'done')} data={[{ value: 'open', label: t('followups.open') }, { value: 'done', label: t('followups.done') }]} />}
    >
      {body}
    </PageLayout>
  );
}
