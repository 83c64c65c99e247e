import { Fragment, useState, type ReactNode } from 'react';
import { ActionIcon, Button, Center, Paper, Stack, Table, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { CursorList } from '../lib/useApi.ts';
import { EmptyState, LoadingState } from './States.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  width?: number | string;
  align?: 'left' | 'right' | 'center';
}

type ListState<T> = Pick<CursorList<T>, 'items' | 'loading' | 'loadingMore' | 'error' | 'hasMore' | 'loadMore' | 'reload'>;

interface Props<T> {
  list: ListState<T>;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** filter inputs shown above the table */
  filters?: ReactNode;
  emptyTitle?: string;
  emptyDescription?: string;
  emptyAction?: ReactNode;
  /** an expandable detail row under each row */
  expand?: (row: T) => ReactNode;
  testId?: string;
  minWidth?: number;
  /** the row picked with the keyboard (j / k), highlighted */
  activeRowKey?: string | null;
}

/** A list page's table: filters, loading/empty/error states and cursor pagination ("load more"). */
export function DataTable<T>({ list, columns, rowKey, filters, emptyTitle, emptyDescription, emptyAction, expand, testId, minWidth = 720, activeRowKey }: Props<T>) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (key: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const colCount = columns.length + (expand ? 1 : 0);

  let body: ReactNode;
  if (list.loading) body = <LoadingState />;
  else if (list.error && list.items.length === 0) body = <ErrorAlert error={list.error} onRetry={list.reload} />;
  else if (list.items.length === 0) body = <EmptyState title={emptyTitle} description={emptyDescription} action={emptyAction} />;
  else
    body = (
      <Table.ScrollContainer minWidth={minWidth}>
        <Table verticalSpacing="sm" highlightOnHover striped={false} data-testid={testId ? `${testId}-table` : undefined}>
          <Table.Thead>
            <Table.Tr>
              {expand && <Table.Th w={40} />}
              {columns.map((c) => (
                <Table.Th key={c.key} w={c.width} ta={c.align}>
                  {c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.items.map((row) => {
              const key = rowKey(row);
              const isOpen = open.has(key);
              return (
                <Fragment key={key}>
                  <Table.Tr
                    data-testid="table-row"
                    data-row-key={key}
                    data-active={activeRowKey === key || undefined}
                    bg={activeRowKey === key ? 'var(--mantine-primary-color-light)' : undefined}
                  >
                    {expand && (
                      <Table.Td>
                        <ActionIcon variant="subtle" color="gray" onClick={() => toggle(key)} aria-label={isOpen ? t('common.collapse') : t('common.expand')} aria-expanded={isOpen} data-testid="row-expand">
                          {isOpen ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                        </ActionIcon>
                      </Table.Td>
                    )}
                    {columns.map((c) => (
                      <Table.Td key={c.key} ta={c.align}>
                        {c.render(row)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                  {expand && isOpen && (
                    <Table.Tr data-testid="row-detail">
                      <Table.Td colSpan={colCount} bg="var(--mantine-color-default-hover)">
                        {expand(row)}
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );

  return (
    <Stack gap="md" data-testid={testId}>
      {filters && (
        <Paper withBorder p="md" radius="md" data-testid="filters">
          {filters}
        </Paper>
      )}
      <Paper withBorder radius="md" p={0} style={{ overflow: 'hidden' }}>
        {body}
        {list.error && list.items.length > 0 && (
          <Stack p="md">
            <ErrorAlert error={list.error} onRetry={list.loadMore} />
          </Stack>
        )}
        {!list.loading && list.items.length > 0 && (
          <Center p="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            {list.hasMore ? (
              <Button variant="subtle" onClick={list.loadMore} loading={list.loadingMore} data-testid="load-more">
                {t('common.loadMore')}
              </Button>
            ) : (
              <Text size="xs" c="dimmed" data-testid="list-end">
                {t('common.shownAll', { count: list.items.length })}
              </Text>
            )}
          </Center>
        )}
      </Paper>
    </Stack>
  );
}
