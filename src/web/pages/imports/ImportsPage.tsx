import { useCallback, useEffect, useState } from 'react';
import { Button, Card, FileInput, Group, Radio, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { IconFileUpload, IconPlayerPlay, IconChecklist } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { BlankCells, SheetErrorsPage, SheetImport, SheetUpload, type ColumnMapping, type SheetKind, type SheetRowError } from '../../../modules/data-import/data-import.contract.ts';
import { api, apiUrl, ApiError, toApiError } from '../../api.ts';
import { useMe } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageLayout } from '../../components/PageLayout.tsx';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { ImportResult, StatusBadge } from './ImportResult.tsx';
import { MappingEditor } from './MappingEditor.tsx';

const kinds: SheetKind[] = ['customers', 'products', 'orders'];
const History = z.object({ items: z.array(SheetImport) });

/** Sends the file's bytes as they are: the server detects CSV encodings and XLSX from the content. */
async function uploadFile(file: File, kind: SheetKind, csrf: string | null): Promise<SheetUpload> {
  const res = await fetch(apiUrl('/data-imports', { kind, fileName: file.name }), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/octet-stream', accept: 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    body: file,
  });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const p = (body ?? {}) as { code?: string; message?: string };
    throw new ApiError({ status: res.status, code: p.code ?? `http_${res.status}`, message: p.message ?? String(res.status) });
  }
  return SheetUpload.parse(body);
}

export default function ImportsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const fmt = useFormat();
  const [kind, setKind] = useState<SheetKind>('customers');
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<SheetUpload | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [blankCells, setBlankCells] = useState<BlankCells>('keep');
  const [job, setJob] = useState<SheetImport | null>(null);
  const [errors, setErrors] = useState<SheetRowError[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const history = useApiGet('/data-imports', History, { limit: 20 });

  const loadErrors = useCallback(async (id: string) => setErrors((await api.get(`/data-imports/${id}/errors`, SheetErrorsPage)).items), []);

  // poll while the job runs: progress comes from the job row the import advances per chunk
  useEffect(() => {
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return;
    const timer = setTimeout(() => {
      api
        .get(`/data-imports/${job.id}`, SheetImport)
        .then((next) => {
          setJob(next);
          if (next.status !== 'queued' && next.status !== 'running') {
            void loadErrors(next.id);
            history.reload();
          }
        })
        .catch((e: unknown) => setError(toApiError(e)));
    }, 1000);
    return () => clearTimeout(timer);
  }, [job, loadErrors, history]);

  async function onUpload() {
    if (!file) return;
    setBusy(true);
    setError(null);
    setUpload(null);
    setJob(null);
    setErrors([]);
    try {
      const u = await uploadFile(file, kind, me.csrfToken);
      setUpload(u);
      setMapping(u.suggested);
      setBlankCells('keep');
    } catch (e) {
      setUpload(null);
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  async function run(dryRun: boolean) {
    if (!upload) return;
    setBusy(true);
    setError(null);
    setErrors([]);
    try {
      const next = await api.post(`/data-imports/${upload.import.id}/run`, { mapping, dryRun, blankCells }, SheetImport);
      setJob(next);
      if (next.status !== 'queued' && next.status !== 'running') {
        await loadErrors(next.id);
        history.reload();
      }
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  const fieldErrors = Object.fromEntries((error?.fieldErrors ?? []).map((f) => [f.path, f.message]));
  const running = job?.status === 'queued' || job?.status === 'running';
  const done = job?.status === 'completed';

  return (
    <PageLayout title={t('imports.title')} description={t('imports.description')} testId="imports-page">
      <Card withBorder>
        <Stack>
          <SegmentedControl
            value={kind}
            onChange={(v) => {
              setKind(v as SheetKind);
              setUpload(null);
              setJob(null);
            }}
            data={kinds.map((k) => ({ value: k, label: t(`imports.kinds.${k}`) }))}
            data-testid="import-kind"
          />
          <Group align="flex-end">
            <FileInput label={t('imports.file')} description={t('imports.fileHint')} accept=".csv,.xlsx,text/csv" value={file} onChange={setFile} w={360} data-testid="import-file" clearable />
            <Button leftSection={<IconFileUpload size={16} />} onClick={() => void onUpload()} disabled={!file} loading={busy && !upload} data-testid="import-upload">
              {t('imports.upload')}
            </Button>
          </Group>
          {error && <ErrorAlert error={error} />}
        </Stack>
      </Card>

      {upload && (
        <Card withBorder>
          <Stack>
            <Group justify="space-between">
              <Title order={4}>{t('imports.mappingTitle')}</Title>
              <Text size="sm" c="dimmed" data-testid="import-file-info">
                {t('imports.fileInfo', { rows: upload.import.total.toLocaleString(), format: upload.import.format.toUpperCase(), encoding: upload.import.encoding })}
              </Text>
            </Group>
            <MappingEditor kind={upload.import.kind} headers={upload.import.headers} sample={upload.sample} mapping={mapping} onChange={setMapping} errors={fieldErrors} />
            <Radio.Group
              label={t('imports.blankCells.label')}
              description={t('imports.blankCells.hint')}
              value={blankCells}
              onChange={(v) => setBlankCells(BlankCells.parse(v))}
              data-testid="import-blank-cells"
            >
              <Group mt="xs">
                {BlankCells.options.map((o) => (
                  <Radio key={o} value={o} label={t(`imports.blankCells.${o}`)} disabled={running || done} data-testid={`import-blank-cells-${o}`} />
                ))}
              </Group>
            </Radio.Group>
            <Group>
              <Button variant="default" leftSection={<IconChecklist size={16} />} onClick={() => void run(true)} loading={busy} disabled={running || done} data-testid="import-dry-run">
                {t('imports.dryRunButton')}
              </Button>
              <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => void run(false)} loading={busy} disabled={running || done} data-testid="import-run">
                {t('imports.runButton')}
              </Button>
            </Group>
            {job && <ImportResult job={job} errors={errors} />}
          </Stack>
        </Card>
      )}

      <Card withBorder>
        <Title order={4} mb="sm">
          {t('imports.history')}
        </Title>
        <Table striped data-testid="import-history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('imports.when')}</Table.Th>
              <Table.Th>{t('imports.kind')}</Table.Th>
              <Table.Th>{t('imports.file')}</Table.Th>
              <Table.Th>{t('imports.statusLabel')}</Table.Th>
              <Table.Th>{t('imports.summary')}</Table.Th>
              <Table.Th>{t('imports.by')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(history.data?.items ?? []).map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td>{fmt.dateTime(h.createdAt)}</Table.Td>
                <Table.Td>{t(`imports.kinds.${h.kind}`)}</Table.Td>
                <Table.Td>{h.fileName ?? '—'}</Table.Td>
                <Table.Td>
                  <StatusBadge status={h.status} />
                </Table.Td>
                <Table.Td>{t('imports.summaryText', { inserted: h.inserted, updated: h.updated, unchanged: h.unchanged, failed: h.failed })}</Table.Td>
                <Table.Td>{h.createdByName}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </PageLayout>
  );
}
