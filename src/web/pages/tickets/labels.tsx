import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TicketPriority, TicketStatus } from '../../../modules/tickets/tickets.contract.ts';

export const statusColor: Record<TicketStatus, string> = { new: 'blue', open: 'cyan', pending: 'yellow', on_hold: 'grape', resolved: 'teal', closed: 'gray' };
export const priorityColor: Record<TicketPriority, string> = { p1: 'red', p2: 'orange', p3: 'blue', p4: 'gray' };

export function StatusBadge({ status }: { status: TicketStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor[status]} variant="light" tt="none" data-testid="status-badge" data-status={status}>
      {t(`tickets.status.${status}`)}
    </Badge>
  );
}

export function PriorityBadge({ priority }: { priority: TicketPriority }) {
  const { t } = useTranslation();
  return (
    <Badge color={priorityColor[priority]} variant="dot" tt="none" data-testid="priority-badge">
      {t(`tickets.priority.${priority}`)}
    </Badge>
  );
}
