import { Alert, Anchor, Text } from '@mantine/core';
import { IconArrowMerge } from '@tabler/icons-react';
import { Trans } from 'react-i18next';
import { Link } from 'react-router';
import type { TicketDetail } from '../../../modules/tickets/tickets.contract.ts';

interface MergeData {
  ticketId?: string;
  number?: string;
}

/** A merged ticket is closed for good: point the agent to where the conversation went on. */
export function MergedBanner({ ticket }: { ticket: TicketDetail }) {
  const merged = [...ticket.events].reverse().find((e) => e.type === 'merged_into');
  const d = (merged?.data ?? {}) as MergeData;
  if (!merged || !d.ticketId) return null;
  return (
    <Alert color="gray" variant="light" icon={<IconArrowMerge size={18} />} data-testid="merged-banner">
      <Text size="sm">
        <Trans i18nKey="ticketActions.mergedInto" values={{ number: d.number ?? '' }} components={{ target: <Anchor component={Link} to={`/tickets/${d.ticketId}`} ff="monospace" data-testid="merged-target" /> }} />
      </Text>
    </Alert>
  );
}
