import { useState } from 'react';
import { Alert, Badge, Button, FileButton, Group, Modal, ScrollArea, SegmentedControl, Stack, Table, Text, Textarea } from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Calendar, type CalendarDay } from '../../../../platform/calendar/calendar.contract.ts';
import { api, toApiError, type ApiError } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { diffDays, parseIcs, parseJsonDays, type DaysDiff } from '../../../lib/ics.ts';

interface Props {
  calendar: Calendar;
  opened: boolean;
  onClose: () => void;
  onImported: (c: Calendar) => void;
}

/** Import holidays / make-up days from JSON or an .ics file, with a preview of what changes before sending. */
export function ImportDaysModal({ calendar, opened, onClose, onImported }: Props) {
  const { t } = useTranslation();
  const [format, setFormat] = useState<'ics' | 'json'>('ics');
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<{ days: CalendarDay[]; diff: DaysDiff } | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [sending, setSending] = useState(false);

  const parse = (content: string, fmt: 'ics' | 'json') => {
    setText(content);
    setError(null);
    try {
      const days = fmt === 'ics' ? parseIcs(content) : parseJsonDays(content);
      setPreview({ days, diff: diffDays(calendar.days, days) });
      setParseError(null);
    } catch (e) {
      setPreview(null);
      setParseError(e instanceof Error ? e.message : String(e));
    }
  };
  const onFile = async (file: File | null) => {
    if (!file) return;
    const content = await file.text();
    const fmt = /\.json$/i.test(file.name) ? 'json' : 'ics';
    setFormat(fmt);
    parse(content, fmt);
  };
  const send = async () => {
    if (!preview) return;
    setSending(true);
    try {
      const body = format === 'ics' ? { version: calendar.version, ics: text } : { version: calendar.version, days: preview.days };
      onImported(await api.post(`/calendars/${calendar.id}/days`, body, Calendar));
      setText('');
      setPreview(null);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setSending(false);
    }
  };
  const kindBadge = (d: CalendarDay) => (
    <Badge size="xs" color={d.kind === 'holiday' ? 'red' : 'blue'} variant="light" tt="none">
      {t(`calendars.kind.${d.kind}`)}
    </Badge>
  );
  const rows = preview
    ? [
        ...preview.diff.added.map((d) => ({ change: 'added' as const, d })),
        ...preview.diff.changed.map((c) => ({ change: 'changed' as const, d: c.after })),
        ...preview.diff.removed.map((d) => ({ change: 'removed' as const, d })),
      ].sort((a, b) => a.d.date.localeCompare(b.d.date))
    : [];
  const changeColor = { added: 'teal', changed: 'orange', removed: 'red' } as const;

  return (
    <Modal opened={opened} onClose={onClose} title={t('calendars.importTitle', { name: calendar.name })} size="xl" centered data-testid="calendar-import-modal">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('calendars.importHint')}
        </Text>
        <Group justify="space-between">
          <SegmentedControl value={format} onChange={(v) => parse(text, v === 'json' ? 'json' : 'ics')} data={[{ value: 'ics', label: 'iCalendar (.ics)' }, { value: 'json', label: 'JSON' }]} data-testid="import-format" />
          <FileButton onChange={(f) => void onFile(f)} accept=".ics,.json,text/calendar,application/json">
            {(props) => (
              <Button variant="light" leftSection={<IconFileImport size={16} />} {...props} data-testid="import-file">
                {t('calendars.chooseFile')}
              </Button>
            )}
          </FileButton>
        </Group>
        <Textarea value={text} onChange={(e) => parse(e.currentTarget.value, format)} autosize minRows={4} maxRows={8} placeholder={format === 'ics' ? 'BEGIN:VCALENDAR …' : '[{"date":"2027-01-01","kind":"holiday","name":"元旦"}]'} ff="monospace" data-testid="import-text" />
        {parseError && text && (
          <Alert color="red" variant="light" data-testid="import-parse-error">
            {t('calendars.parseError', { message: parseError })}
          </Alert>
        )}
        {preview && (
          <Stack gap="xs" data-testid="import-preview">
            <Text size="sm" fw={500} data-testid="import-summary">
              {t('calendars.previewSummary', {
                years: preview.diff.years.join(', '),
                added: preview.diff.added.length,
                changed: preview.diff.changed.length,
                removed: preview.diff.removed.length,
                unchanged: preview.diff.unchanged,
              })}
            </Text>
            {rows.length > 0 && (
              <ScrollArea.Autosize mah={260}>
                <Table verticalSpacing={4} fz="sm">
                  <Table.Tbody>
                    {rows.map((r) => (
                      <Table.Tr key={`${r.change}-${r.d.date}`} data-testid="import-preview-row">
                        <Table.Td w={110}>
                          <Badge size="xs" color={changeColor[r.change]} tt="none">
                            {t(`calendars.change.${r.change}`)}
                          </Badge>
                        </Table.Td>
                        <Table.Td w={110} ff="monospace">
                          {r.d.date}
                        </Table.Td>
                        <Table.Td w={90}>{kindBadge(r.d)}</Table.Td>
                        <Table.Td>{r.d.name}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            )}
          </Stack>
        )}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void send()} disabled={!preview} loading={sending} data-testid="import-submit">
            {t('calendars.importApply')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
