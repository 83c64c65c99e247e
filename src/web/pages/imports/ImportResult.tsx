import { Alert, Badge, Group, Paper, Progress, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SheetImport, SheetRowError } from '../../../modules/data-import/data-import.contract.ts';
import { ExportButton } from '../../components/ExportButton.tsx';

const statusColor: Record<SheetImport['status'], string> = { uploaded: 'gray', queued: 'blue', running: 'blue', validated: 'teal', completed: 'green', failed: 'red' };

export function StatusBadge({ status }: { status: SheetImport['status'] }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor[status]} variant="light" data-testid="import-status">
      {t(`imports.status.${status}`)}
    </Badge>
  );
}

/** Progress while it runs, then the counts and the row errors (downloadable as CSV/XLSX). */
export function ImportResult({ job, errors }: { job: SheetImport; errors: SheetRowError[] }) {
  const { t } = useTranslation();
  const running = job.status === 'queued' || job.status === 'running';
  const stat = (key: 'inserted' | 'updated' | 'unchanged' | 'failed', color?: string) => (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed">
        {t(job.dryRun ? `imports.counts.dry.${key}` : `imports.counts.${key}`)}
      </Text>
      <Text fw={700} size="xl" c={color} data-testid={`count-${key}`}>
        {job[key].toLocaleString()}
      </Text>
    </Paper>
  );
  return (
    <Stack gap="sm" data-testid="import-result">
      <Group gap="xs">
        <StatusBadge status={job.status} />
        {job.dryRun && <Badge variant="outline">{t('imports.dryRun')}</Badge>}
        <Text size="sm" c="dimmed">
          {t('imports.progress', { processed: job.processed.toLocaleString(), total: job.total.toLocaleString() })}
        </Text>
      </Group>
      <Progress value={job.progressPercent} animated={running} striped={running} size="lg" data-testid="import-progress" />
      {job.failure && (
        <Alert color="red" title={t('imports.failedTitle')} data-testid="import-failure">
          {job.failure}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {stat('inserted', 'green')}
        {stat('updated', 'blue')}
        {stat('unchanged')}
        {stat('failed', job.failed ? 'red' : undefined)}
      </SimpleGrid>
      {errors.length > 0 && (
        <Stack gap="xs">
          <Group justify="space-between">
            <Text fw={600}>{t('imports.report', { count: job.failed })}</Text>
            <ExportButton path={`/api/v1/data-imports/${job.id}/report`} />
          </Group>
          {job.errorsTruncated && (
            <Text size="xs" c="dimmed">
              {t('imports.truncated', { shown: errors.length })}
            </Text>
          )}
          <Table striped withTableBorder data-testid="import-errors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>{t('imports.row')}</Table.Th>
                <Table.Th w={180}>{t('imports.column')}</Table.Th>
                <Table.Th>{t('imports.problem')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {errors.slice(0, 200).map((e, n) => (
                <Table.Tr key={`${e.row}-${n}`}>
                  <Table.Td>{e.row}</Table.Td>
                  <Table.Td>{e.column ?? '—'}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Stack>
  );
}
