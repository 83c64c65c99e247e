import { Avatar, Badge, Group, Paper, Stack, Text, Timeline } from '@mantine/core';
import { IconLock, IconRobot } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { TicketDetail, TicketMessage } from '../../../modules/tickets/tickets.contract.ts';
import type { Attachment } from '../../../modules/channels/channels.contract.ts';
import { useFormat } from '../../lib/format.ts';
import { MessageAttachments, useTicketAttachments } from './MessageAttachments.tsx';

function MessageCard({ m, files }: { m: TicketMessage; files: Attachment[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const note = m.kind === 'note';
  const system = m.authorType === 'system' || m.kind === 'auto';
  const customer = m.authorType === 'customer';
  const bg = note ? 'var(--mantine-color-yellow-light)' : customer ? 'var(--mantine-color-default)' : system ? 'var(--mantine-color-default-hover)' : 'var(--mantine-color-blue-light)';
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      bg={bg}
      style={note ? { borderStyle: 'dashed', borderColor: 'var(--mantine-color-yellow-filled)' } : undefined}
      ml={customer ? 0 : 'xl'}
      mr={customer ? 'xl' : 0}
      data-testid="message"
      data-kind={m.kind}
      data-author={m.authorType}
    >
      <Group justify="space-between" mb={6} wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Avatar size={26} radius="xl" color={customer ? 'gray' : note ? 'yellow' : 'blue'}>
            {system ? <IconRobot size={14} /> : m.authorName.slice(0, 1)}
          </Avatar>
          <Text size="sm" fw={600}>
            {m.authorName}
          </Text>
          {note && (
            <Badge size="xs" color="yellow" variant="filled" leftSection={<IconLock size={10} />} tt="none">
              {t('tickets.internalNote')}
            </Badge>
          )}
          {!note && !customer && !system && (
            <Badge size="xs" variant="light" tt="none">
              {t('tickets.publicReply')}
            </Badge>
          )}
          {system && (
            <Badge size="xs" variant="light" color="gray" tt="none">
              {t('tickets.systemMessage')}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {fmt.dateTime(m.createdAt)}
          {m.channel ? ` · ${t(`tickets.channel.${m.channel}`)}` : ''}
        </Text>
      </Group>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="message-body">
        {m.body}
      </Text>
      <MessageAttachments files={files} />
    </Paper>
  );
}

const same = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

/**
 * Whether the description only repeats the conversation. Channels that keep the customer's first words as a
 * message (e-mail: the mail with its attachments and sender) also copy them into the description, which the
 * API, search and webhooks use as the ticket's summary; a split ticket's description is its moved messages.
 * Showing both would print the same text twice, so the conversation shows the message only.
 */
export function descriptionRepeatsMessages(ticket: TicketDetail): boolean {
  const first = ticket.messages[0];
  if (ticket.events.some((e) => e.type === 'split_from') && ticket.messages.length > 0) return true;
  return !!first && first.kind === 'public' && same(first.body, ticket.description);
}

/**
 * The description (unless a message already shows it) and every message, oldest first, each with its files
 * (customer mail, agent replies and notes alike); internal notes yellow and dashed.
 */
export function Conversation({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const showDescription = !!ticket.description && !descriptionRepeatsMessages(ticket);
  const files = useTicketAttachments(ticket.id, ticket.messages.length);
  return (
    <Stack gap="sm" data-testid="conversation">
      {showDescription && (
        <Paper withBorder p="sm" radius="md" data-testid="ticket-description-view">
          <Text size="xs" c="dimmed" mb={4}>
            {t('tickets.descriptionLabel')} · {fmt.dateTime(ticket.createdAt)}
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {ticket.description}
          </Text>
        </Paper>
      )}
      {ticket.messages.map((m) => (
        <MessageCard key={m.id} m={m} files={files.get(m.id) ?? []} />
      ))}
      {ticket.messages.length === 0 && !showDescription && (
        <Text size="sm" c="dimmed">
          {t('tickets.noMessages')}
        </Text>
      )}
    </Stack>
  );
}

type EventData = { field?: string; from?: unknown; to?: unknown; target?: string; kind?: string; number?: string; reason?: string; otherId?: string; users?: { name: string }[]; messages?: number };
const workflowEvents = ['merged_into', 'merged_from', 'split_to', 'split_from', 'linked', 'unlinked', 'mentioned'] as const;
type WorkflowEvent = (typeof workflowEvents)[number];
const knownEvents = ['created', 'status_changed', 'reopened', 'assigned', 'field_changed', 'message_added', 'sla_warning', 'sla_breached', 'escalated', 'handed_back'] as const;
type KnownEvent = (typeof knownEvents)[number];

/** The ticket's history: every change, who made it and when. */
export function History({ ticket, userName }: { ticket: TicketDetail; userName: (id: string) => string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const value = (field: string | undefined, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (field === 'status' && typeof v === 'string') return t(`tickets.status.${v as 'new'}`, { defaultValue: v });
    if (field === 'priority' && typeof v === 'string') return t(`tickets.priority.${v as 'p1'}`, { defaultValue: v });
    if (field === 'type' && typeof v === 'string') return t(`tickets.type.${v as 'inquiry'}`, { defaultValue: v });
    if (field === 'assigneeId' && typeof v === 'string') return userName(v);
    if (Array.isArray(v)) return v.join(', ');
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  };
  return (
    <Timeline bulletSize={12} lineWidth={2} data-testid="history">
      {[...ticket.events].reverse().map((e) => {
        const d = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as EventData;
        const type: KnownEvent | null = (knownEvents as readonly string[]).includes(e.type) ? (e.type as KnownEvent) : null;
        const flow: WorkflowEvent | null = (workflowEvents as readonly string[]).includes(e.type) ? (e.type as WorkflowEvent) : null;
        const title = type ? t(`tickets.event.${type}`) : flow ? t(`ticketActions.event.${flow}`, { number: d.number ?? '', count: d.messages ?? 0 }) : e.type;
        let detail = '';
        if (d.reason) detail = t('ticketActions.reasonIs', { reason: d.reason });
        else if (flow === 'mentioned' && d.users) detail = d.users.map((u) => `@${u.name}`).join(' ');
        else if (flow === 'linked' && d.kind) detail = t(`ticketActions.linkKind.${d.kind as 'related'}`, { defaultValue: d.kind });
        else if (flow) detail = '';
        else if (d.field && 'to' in d) detail = `${t(`tickets.field.${d.field as 'status'}`, { defaultValue: d.field })}: ${value(d.field, d.from)} → ${value(d.field, d.to)}`;
        else if (d.target) detail = t(`sla.target.${d.target as 'resolution'}`, { defaultValue: d.target });
        else if (d.kind) detail = d.kind === 'note' ? t('tickets.internalNote') : t('tickets.publicReply');
        return (
          <Timeline.Item key={e.id} title={<Text size="sm">{title}</Text>} data-testid="history-item" data-type={e.type}>
            {detail && (
              <Text size="xs" c="dimmed">
                {detail}
              </Text>
            )}
            <Text size="xs" c="dimmed">
              {e.actorName} · {fmt.dateTime(e.at)}
            </Text>
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
