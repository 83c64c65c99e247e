import { Badge, Tooltip } from '@mantine/core';
import { IconClockPause, IconClockCheck, IconAlarm, IconClock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../modules/tickets/tickets.contract.ts';
import { useFormat } from '../../lib/format.ts';
import { formatDuration, slaView, toneColor } from '../../lib/sla.ts';
import { useNow } from '../../lib/useNow.ts';

export function useDurationUnits() {
  const { t } = useTranslation();
  return { d: t('sla.unitD'), h: t('sla.unitH'), m: t('sla.unitM'), s: t('sla.unitS') };
}

/** The running SLA target of a ticket as a live countdown: green, amber when close, red when breached, grey when paused or met. */
export function SlaBadge({ ticket, size = 'sm' }: { ticket: Pick<Ticket, 'sla' | 'status' | 'createdAt'>; size?: 'xs' | 'sm' | 'md' }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const units = useDurationUnits();
  const v = slaView(ticket.sla, ticket.status, ticket.createdAt, now);
  let label: string;
  let icon = <IconClock size={12} />;
  switch (v.tone) {
    case 'breached':
      label = v.remainingMs !== null ? t('sla.overdueBy', { time: formatDuration(v.remainingMs, units) }) : t('sla.breached');
      icon = <IconAlarm size={12} />;
      break;
    case 'paused':
      label = t('sla.paused');
      icon = <IconClockPause size={12} />;
      break;
    case 'met':
      label = t('sla.met');
      icon = <IconClockCheck size={12} />;
      break;
    case 'none':
      label = t('sla.none');
      break;
    default:
      label = formatDuration(v.remainingMs ?? 0, units);
  }
  return (
    <Tooltip label={v.dueAt ? t('sla.dueAt', { at: fmt.dateTime(v.dueAt) }) : label} withArrow>
      <Badge color={toneColor[v.tone]} variant={v.tone === 'breached' ? 'filled' : 'light'} size={size} leftSection={icon} tt="none" data-testid="sla-badge" data-tone={v.tone} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {label}
      </Badge>
    </Tooltip>
  );
}
