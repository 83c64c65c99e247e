import { useState } from 'react';
import { Anchor, Badge, Button, Code, Group, Stack, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload, IconKey } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AuditEntry } from '../../../../platform/audit/audit.contract.ts';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { apiUrl, type Query } from '../../../api.ts';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { useFormat, zonedDayBoundary } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';
import { AuditDetail, auditSubject } from './AuditDetail.tsx';
import { AuditFilters, emptyAuditFilters, type AuditFilterValues } from './AuditFilters.tsx';
import { useAuditLabels } from './labels.ts';

const AuditPageSchema = page(AuditEntry);
const actionColor: Record<string, string> = { created: 'teal', updated: 'blue', deleted: 'red', deactivated: 'orange', revoked: 'red', locked_out: 'red', login: 'gray', logout: 'gray' };

function toQuery(f: AuditFilterValues, timeZone: string): Query {
  const uuid = /^[0-9a-f-]{36}$/i;
  return {
    userId: f.user && uuid.test(f.user.id) ? f.user.id : undefined,
    entityType: f.entityType.trim() || undefined,
    entityId: f.entityId.trim() || undefined,
    action: f.action.trim() || undefined,
    from: f.from ? zonedDayBoundary(f.from, timeZone) : undefined,
    to: f.to ? zonedDayBoundary(f.to, timeZone, true) : undefined,
  };
}

export default function AuditPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const labels = useAuditLabels();
  const [filters, setFilters] = useState<AuditFilterValues>(emptyAuditFilters);
  const [debounced] = useDebouncedValue(filters, 300);
  const query = toQuery(debounced, fmt.timeZone);
  const list = useCursorList('/audit', AuditPageSchema, query);

  const columns: Column<AuditEntry>[] = [
    { key: 'at', header: t('audit.at'), width: 150, render: (e) => <Text size="sm">{fmt.dateTime(e.at)}</Text> },
    {
      key: 'actor',
      header: t('audit.who'),
      render: (e) => (
        <Group gap={6} wrap="nowrap">
          {e.actorTokenId && (
            <Tooltip label={t('audit.viaToken')} withArrow>
              <IconKey size={14} />
            </Tooltip>
          )}
          {e.actorUserId ? (
            <Anchor size="sm" component="button" type="button" onClick={() => setFilters({ ...filters, user: { id: e.actorUserId!, name: e.actorName, email: '' } })} data-testid="audit-actor">
              {e.actorName}
            </Anchor>
          ) : (
            <Text size="sm" data-testid="audit-actor">
              {e.actorName || t('audit.system')}
            </Text>
          )}
        </Group>
      ),
    },
    {
      key: 'action',
      header: t('audit.action'),
      render: (e) => (
        <Badge variant="light" color={actionColor[e.action] ?? 'gray'} tt="none" data-testid="audit-action" data-action={e.action}>
          {labels.action(e.action)}
        </Badge>
      ),
    },
    {
      key: 'entity',
      header: t('audit.what'),
      render: (e) => {
        const subject = auditSubject(e);
        return (
          <Stack gap={0}>
            <Text size="sm" data-testid="audit-entity" data-entity-type={e.entityType}>
              {labels.entity(e.entityType)}
              {subject && (
                <Text span size="sm" fw={500} data-testid="audit-subject">
                  {' · '}
                  {subject}
                </Text>
              )}
            </Text>
            <Anchor size="xs" c="dimmed" ff="monospace" component="button" type="button" ta="left" onClick={() => setFilters({ ...filters, entityType: e.entityType, entityId: e.entityId })}>
              {e.entityId}
            </Anchor>
          </Stack>
        );
      },
    },
    { key: 'ip', header: t('audit.ip'), render: (e) => (e.ip ? <Code>{e.ip}</Code> : <Text size="sm">—</Text>) },
  ];

  return (
    <PageLayout
      title={t('audit.title')}
      description={t('audit.description', { timeZone: fmt.timeZone })}
      testId="audit-page"
      actions={
        <Button component="a" href={apiUrl('/audit/export.csv', query)} download variant="default" leftSection={<IconDownload size={16} />} data-testid="audit-export">
          {t('audit.export')}
        </Button>
      }
    >
      <DataTable
        list={list}
        columns={columns}
        rowKey={(e) => String(e.id)}
        filters={<AuditFilters value={filters} onChange={setFilters} />}
        expand={(e) => <AuditDetail entry={e} />}
        testId="audit"
        minWidth={860}
        emptyTitle={t('audit.empty')}
        emptyDescription={t('common.emptyFiltered')}
      />
    </PageLayout>
  );
}
