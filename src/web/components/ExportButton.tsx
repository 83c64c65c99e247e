import { Button, Menu } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet, IconFileTypeCsv } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ExportFormat } from '../../platform/export/export.contract.ts';
import type { Query } from '../api.ts';

/** The export URL for one format: the list's filters plus `format`; empty filter values are left out. */
export function exportUrl(path: string, query: Query, format: ExportFormat): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  params.set('format', format);
  const base = path.startsWith('/api/') ? path : `/api/v1${path.startsWith('/') ? '' : '/'}${path}`;
  return `${base}?${params.toString()}`;
}

/**
 * Downloads the filtered rows of a list as CSV or XLSX. A plain link (not fetch) so the browser streams a
 * large file to disk and shows its own progress; the session cookie authenticates the GET.
 */
export function ExportButton({ path, query = {}, disabled }: { path: string; query?: Query; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" leftSection={<IconDownload size={16} />} disabled={disabled} data-testid="export-button">
          {t('exportButton.label')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component="a" href={exportUrl(path, query, 'xlsx')} download leftSection={<IconFileSpreadsheet size={16} />} data-testid="export-xlsx">
          {t('exportButton.xlsx')}
        </Menu.Item>
        <Menu.Item component="a" href={exportUrl(path, query, 'csv')} download leftSection={<IconFileTypeCsv size={16} />} data-testid="export-csv">
          {t('exportButton.csv')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
