import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TicketDetail } from '../../../modules/tickets/tickets.contract.ts';
import { useFormat } from '../../lib/format.ts';
import { formatDuration } from '../../lib/sla.ts';
import { useNow } from '../../lib/useNow.ts';
import { SlaBadge, useDurationUnits } from './SlaBadge.tsx';

type Target = 'first_response' | 'next_response' | 'resolution';

/** Each SLA target: its due time and whether it was met, breached, is paused or still runs. */
export function SlaPanel({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const units = useDurationUnits();
  const s = ticket.sla;
  const policyName = s.policyName;
  const rows: { target: Target; due: string | null; doneAt: string | null }[] = [
    { target: 'first_response', due: s.firstResponseDueAt, doneAt: s.firstRespondedAt },
    { target: 'next_response', due: s.nextResponseDueAt, doneAt: null },
    { target: 'resolution', due: s.resolutionDueAt, doneAt: s.resolvedAt },
  ];
  const state = (r: (typeof rows)[number]) => {
    const breached = s.breached.includes(r.target);
    // a target the policy does not set is "no target", even once the ticket has been answered or resolved
    if (!r.due && !breached) return { color: 'gray', label: t('sla.noTarget') };
    if (r.doneAt) return breached ? { color: 'red', label: t('sla.breached') } : { color: 'teal', label: t('sla.met') };
    if (breached || !r.due) return { color: 'red', label: t('sla.breached') };
    if (s.pausedAt) return { color: 'gray', label: t('sla.paused') };
    const left = Date.parse(r.due) - now;
    return left <= 0 ? { color: 'red', label: t('sla.overdueBy', { time: formatDuration(left, units) }) } : { color: 'blue', label: t('sla.left', { time: formatDuration(left, units) }) };
  };
  return (
    <Paper withBorder p="md" radius="md" data-testid="sla-panel">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{t('tickets.sla')}</Title>
        <SlaBadge ticket={ticket} />
      </Group>
      <Stack gap={8}>
        {rows.map((r) => {
          const st = state(r);
          return (
            <Group key={r.target} justify="space-between" wrap="nowrap" data-testid={`sla-${r.target}`}>
              <div>
                <Text size="sm">{t(`sla.target.${r.target}`)}</Text>
                <Text size="xs" c="dimmed">
                  {r.doneAt ? t('sla.doneAt', { at: fmt.dateTime(r.doneAt) }) : r.due ? t('sla.dueAt', { at: fmt.dateTime(r.due) }) : '—'}
                </Text>
              </div>
              <Badge color={st.color} variant="light" tt="none" data-testid="sla-state">
                {st.label}
              </Badge>
            </Group>
          );
        })}
        <Text size="xs" c="dimmed" data-testid="sla-policy">
          {t('sla.policy')}: {policyName ?? (s.policyId ? '…' : t('sla.noPolicy'))}
          {s.pausedAt ? ` · ${t('sla.pausedSince', { at: fmt.dateTime(s.pausedAt) })}` : ''}
        </Text>
      </Stack>
    </Paper>
  );
}
