import { useState } from 'react';
import { Button, Menu } from '@mantine/core';
import { IconArrowBackUp, IconArrowMerge, IconArrowsSplit, IconChevronDown, IconTrendingUp } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { TicketDetail } from '../../../modules/tickets/tickets.contract.ts';
import type { ApiError } from '../../api.ts';
import type { Directory } from '../../lib/directory.ts';
import { EscalateModal } from './EscalateModal.tsx';
import { MergeModal } from './MergeModal.tsx';
import { SplitModal } from './SplitModal.tsx';

/**
 * Escalated from a team and not handed back since: read from the history, the one place both directions are
 * recorded (a ticket escalated while it had no team has nowhere to go back to).
 */
export function isEscalated(ticket: TicketDetail): boolean {
  const last = [...ticket.events].reverse().find((e) => e.type === 'escalated' || e.type === 'handed_back');
  const from = (last?.data ?? {}) as { fromTeamId?: string | null };
  return last?.type === 'escalated' && !!from.fromTeamId;
}

interface Props {
  ticket: TicketDetail;
  dir: Directory;
  disabled: boolean;
  onChanged: () => void;
  onConflict: (e: ApiError) => void;
}

/** The ticket's workflow actions: merge, split, escalate to L2 and hand back. */
export function TicketActions({ ticket, dir, disabled, onChanged, onConflict }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<'merge' | 'split' | 'escalate' | 'handBack' | null>(null);
  const escalated = isEscalated(ticket);
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="sm" rightSection={<IconChevronDown size={14} />} disabled={disabled} data-testid="ticket-actions">
            {t('ticketActions.menu')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconArrowMerge size={16} />} onClick={() => setOpen('merge')} data-testid="action-merge">
            {t('ticketActions.merge')}
          </Menu.Item>
          <Menu.Item leftSection={<IconArrowsSplit size={16} />} onClick={() => setOpen('split')} disabled={ticket.messages.length === 0} data-testid="action-split">
            {t('ticketActions.split')}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item leftSection={<IconTrendingUp size={16} />} onClick={() => setOpen('escalate')} data-testid="action-escalate">
            {t('ticketActions.escalate')}
          </Menu.Item>
          <Menu.Item leftSection={<IconArrowBackUp size={16} />} onClick={() => setOpen('handBack')} disabled={!escalated} data-testid="action-hand-back">
            {t('ticketActions.handBack')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <MergeModal ticket={ticket} opened={open === 'merge'} onClose={() => setOpen(null)} onMerged={onChanged} onConflict={onConflict} />
      <SplitModal ticket={ticket} opened={open === 'split'} onClose={() => setOpen(null)} onSplit={onChanged} onConflict={onConflict} />
      <EscalateModal
        ticket={ticket}
        dir={dir}
        mode={open === 'escalate' || open === 'handBack' ? open : null}
        onClose={() => setOpen(null)}
        onDone={onChanged}
        onConflict={onConflict}
      />
    </>
  );
}
