import { useState } from 'react';
import { Anchor, Code, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { InboundMail, InboundStatus } from '../../../../modules/channels/channels.contract.ts';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';
import { AuthBadges, MailStatusBadge } from './labels.tsx';

const InboundPage = page(InboundMail);

/** What arrived by mail, newest first, with its processing state and the sender checks. */
export function InboundLog() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [status, setStatus] = useState<string | null>(null);
  const list = useCursorList('/mail/inbound', InboundPage, { status: status ?? undefined });
  const columns: Column<InboundMail>[] = [
    { key: 'received', header: t('mailAdmin.col.received'), render: (m) => <Text size="sm">{fmt.dateTime(m.receivedAt)}</Text>, width: 170 },
    {
      key: 'from',
      header: t('mailAdmin.col.from'),
      render: (m) => (
        <Stack gap={0}>
          <Text size="sm">{m.fromName ?? m.fromAddress ?? '—'}</Text>
          {m.fromName && (
            <Text size="xs" c="dimmed">
              {m.fromAddress}
            </Text>
          )}
        </Stack>
      ),
    },
    {
      key: 'subject',
      header: t('mailAdmin.col.subject'),
      render: (m) => (
        <Text size="sm" lineClamp={1} data-testid="inbound-subject">
          {m.subject || '—'}
        </Text>
      ),
    },
    { key: 'status', header: t('mailAdmin.col.status'), render: (m) => <MailStatusBadge status={m.status} /> },
    { key: 'checks', header: t('mailAdmin.col.checks'), render: (m) => <AuthBadges auth={m.auth} /> },
    {
      key: 'ticket',
      header: t('mailAdmin.col.ticket'),
      render: (m) =>
        m.ticketId && (
          <Anchor component={Link} to={`/tickets/${m.ticketId}`} size="sm">
            {t('mailAdmin.openTicket')}
          </Anchor>
        ),
    },
  ];
  return (
    <DataTable
      list={list}
      columns={columns}
      rowKey={(m) => m.id}
      testId="inbound-log"
      minWidth={1000}
      emptyTitle={t('mailAdmin.noInbound')}
      filters={
        <Select
          w={220}
          label={t('mailAdmin.statusFilter')}
          placeholder={t('mailAdmin.allStatuses')}
          clearable
          value={status}
          onChange={setStatus}
          data={InboundStatus.options.map((s) => ({ value: s, label: t(`mailAdmin.status.${s}`) }))}
          data-testid="inbound-status-filter"
        />
      }
      expand={(m) => (
        <Stack gap={4} p="xs">
          <Text size="xs">
            {t('mailAdmin.source')}: {m.source}
            {m.remoteIp ? ` · ${t('mailAdmin.remoteIp')}: ${m.remoteIp}` : ''} · Message-ID: {m.messageId ?? '—'}
          </Text>
          {m.automated && <Text size="xs">{t('mailAdmin.automated', { reason: m.automated })}</Text>}
          {m.error && (
            <Text size="xs" c="red">
              {t('mailAdmin.error')}: {m.error}
            </Text>
          )}
          {m.auth?.results && (
            <>
              <Text size="xs" fw={500}>
                {t('mailAdmin.authResults')}
              </Text>
              <Code block fz="xs" data-testid="inbound-auth-results">
                {m.auth.results}
              </Code>
            </>
          )}
        </Stack>
      )}
    />
  );
}
