import { Button, Menu, Paper, Select, SimpleGrid, Stack, TagsInput, Text } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ticketTransitions, TicketPriority, TicketType, type TicketDetail, type TicketStatus, type UpdateTicket } from '../../../modules/tickets/tickets.contract.ts';
import { UserSelect } from '../../components/UserPicker.tsx';
import type { Directory } from '../../lib/directory.ts';
import { statusColor } from './labels.tsx';
import { TicketCustomFields } from '../admin/ticket-fields/TicketCustomFields.tsx';

type Patch = Omit<UpdateTicket, 'version'>;

/** Status as a menu of the allowed next statuses (ticketTransitions), nothing else. */
export function StatusMenu({ status, onChange, disabled }: { status: TicketStatus; onChange: (s: TicketStatus) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const next = ticketTransitions[status];
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="light" color={statusColor[status]} rightSection={<IconChevronDown size={14} />} disabled={disabled || next.length === 0} data-testid="status-menu" data-status={status}>
          {t(`tickets.status.${status}`)}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('tickets.changeStatus')}</Menu.Label>
        {next.map((s) => (
          <Menu.Item key={s} onClick={() => onChange(s)} data-testid={`status-to-${s}`}>
            {t(`tickets.status.${s}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** The editable properties of a ticket; every change is one PATCH with the version read. */
export function TicketFields({ ticket, dir, onChange, disabled }: { ticket: TicketDetail; dir: Directory; onChange: (patch: Patch) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const assignee = ticket.assigneeId ? (dir.users.get(ticket.assigneeId) ?? { id: ticket.assigneeId, name: '…', email: '' }) : null;
  return (
    <Paper withBorder p="md" radius="md" data-testid="ticket-fields">
      <Stack gap="sm">
        <SimpleGrid cols={2} spacing="sm">
          <Select
            size="xs"
            label={t('tickets.priorityLabel')}
            data={TicketPriority.options.map((x) => ({ value: x, label: t(`tickets.priority.${x}`) }))}
            value={ticket.priority}
            allowDeselect={false}
            onChange={(v) => v && v !== ticket.priority && onChange({ priority: v as TicketPriority })}
            disabled={disabled}
            data-testid="field-priority"
          />
          <Select
            size="xs"
            label={t('tickets.typeLabel')}
            data={TicketType.options.map((x) => ({ value: x, label: t(`tickets.type.${x}`) }))}
            value={ticket.type}
            allowDeselect={false}
            onChange={(v) => v && v !== ticket.type && onChange({ type: v as TicketType })}
            disabled={disabled}
            data-testid="field-type"
          />
        </SimpleGrid>
        <Select
          size="xs"
          label={t('tickets.team')}
          data={dir.teams.map((tm) => ({ value: tm.id, label: tm.name }))}
          value={ticket.teamId}
          clearable
          searchable
          placeholder={t('tickets.noTeam')}
          onChange={(v) => v !== ticket.teamId && onChange({ teamId: v })}
          disabled={disabled}
          data-testid="field-team"
        />
        <UserSelect
          size="xs"
          label={t('tickets.assignee')}
          value={assignee}
          activeOnly
          placeholder={t('tickets.unassigned')}
          onChange={(u) => (u?.id ?? null) !== ticket.assigneeId && onChange({ assigneeId: u?.id ?? null })}
          disabled={disabled}
          data-testid="field-assignee"
        />
        <TagsInput size="xs" label={t('tickets.tags')} value={ticket.tags} onChange={(tags) => onChange({ tags })} disabled={disabled} data-testid="field-tags" />
        <TicketCustomFields ticket={ticket} onSave={(customFields) => onChange({ customFields })} disabled={disabled} />
        <Text size="xs" c="dimmed">
          {t('tickets.channelLabel')}: {t(`tickets.channel.${ticket.channel}`)} · v{ticket.version}
        </Text>
      </Stack>
    </Paper>
  );
}
