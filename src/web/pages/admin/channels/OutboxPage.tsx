import { useState } from 'react';
import { Anchor, Button, Select, Text } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { OutboxMail, OutboxStatus } from '../../../../modules/channels/channels.contract.ts';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';
import { MailStatusBadge } from './labels.tsx';
import { MailDrawer } from './MailDrawer.tsx';

const OutboxPageSchema = page(OutboxMail);

/** The local outbox: every mail the helpdesk sent (or tried to), readable as the customer received it. */
export default function OutboxPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [status, setStatus] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const list = useCursorList('/mail/outbox', OutboxPageSchema, { status: status ?? undefined });
  const columns: Column<OutboxMail>[] = [
    { key: 'created', header: t('mailAdmin.col.created'), render: (m) => <Text size="sm">{fmt.dateTime(m.createdAt)}</Text>, width: 170 },
    { key: 'kind', header: t('mailAdmin.col.kind'), render: (m) => <Text size="sm">{t(`mailAdmin.kind.${m.kind}`)}</Text> },
    { key: 'to', header: t('mailAdmin.col.to'), render: (m) => <Text size="sm">{m.toAddress}</Text> },
    {
      key: 'subject',
      header: t('mailAdmin.col.subject'),
      render: (m) => (
        <Anchor component="button" type="button" size="sm" onClick={() => setOpen(m.id)} lineClamp={1} ta="left" data-testid="outbox-subject">
          {m.subject}
        </Anchor>
      ),
    },
    { key: 'status', header: t('mailAdmin.col.status'), render: (m) => <MailStatusBadge status={m.status} /> },
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
    {
      key: 'read',
      header: '',
      align: 'right',
      render: (m) => (
        <Button size="xs" variant="subtle" leftSection={<IconEye size={14} />} onClick={() => setOpen(m.id)} data-testid="outbox-read">
          {t('mailAdmin.view')}
        </Button>
      ),
    },
  ];
  return (
    <PageLayout title={t('mailAdmin.outboxTitle')} description={t('mailAdmin.outboxDescription')} testId="mail-outbox-page">
      <DataTable
        list={list}
        columns={columns}
        rowKey={(m) => m.id}
        testId="outbox"
        minWidth={960}
        emptyTitle={t('mailAdmin.noOutbox')}
        filters={
          <Select
            w={220}
            label={t('mailAdmin.statusFilter')}
            placeholder={t('mailAdmin.allStatuses')}
            clearable
            value={status}
            onChange={setStatus}
            data={OutboxStatus.options.map((s) => ({ value: s, label: t(`mailAdmin.status.${s}`) }))}
            data-testid="outbox-status-filter"
          />
        }
      />
      <MailDrawer id={open} onClose={() => setOpen(null)} />
    </PageLayout>
  );
}
