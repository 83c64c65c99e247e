import { useEffect, useMemo, useState } from 'react';
import { Anchor, Badge, Button, Grid, Group, Paper, ScrollArea, Select, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { IconArrowLeft, IconFileImport, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { Calendar, type CalendarDay } from '../../../../platform/calendar/calendar.contract.ts';
import { api, toApiError, type ApiError } from '../../../api.ts';
import { useAuth } from '../../../auth/AuthContext.tsx';
import { useConfirm } from '../../../components/confirm.tsx';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { LoadingState } from '../../../components/States.tsx';
import { mapFieldErrors } from '../../../lib/fieldErrors.ts';
import { useApiGet } from '../../../lib/useApi.ts';
import { allTimeZones } from '../../../lib/timeZones.ts';
import { DueCalculator } from './DueCalculator.tsx';
import { ImportDaysModal } from './ImportDaysModal.tsx';
import { WeeklyHoursEditor, type Week } from './WeeklyHoursEditor.tsx';

const weekdayOf = (date: string) => (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[new Date(`${date}T00:00:00Z`).getUTCDay()];

function DaysByYear({ days }: { days: CalendarDay[] }) {
  const { t } = useTranslation();
  const years = useMemo(() => [...new Set(days.map((d) => d.date.slice(0, 4)))].sort(), [days]);
  const thisYear = String(new Date().getFullYear());
  if (years.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('calendars.noDays')}
      </Text>
    );
  return (
    <Tabs defaultValue={years.includes(thisYear) ? thisYear : years[years.length - 1]} data-testid="calendar-years">
      <Tabs.List>
        {years.map((y) => (
          <Tabs.Tab key={y} value={y} data-testid={`year-${y}`}>
            {y}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {years.map((y) => (
        <Tabs.Panel key={y} value={y} pt="xs">
          <ScrollArea.Autosize mah={440}>
            <Table verticalSpacing={4} fz="sm" striped>
              <Table.Tbody>
                {days
                  .filter((d) => d.date.startsWith(y))
                  .map((d) => (
                    <Table.Tr key={d.date} data-testid="calendar-day">
                      <Table.Td w={110} ff="monospace">
                        {d.date}
                      </Table.Td>
                      <Table.Td w={70}>{t(`calendars.weekday.${weekdayOf(d.date)}`)}</Table.Td>
                      <Table.Td w={130}>
                        <Badge size="sm" variant="light" color={d.kind === 'holiday' ? 'red' : 'blue'} tt="none">
                          {t(`calendars.kind.${d.kind}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{d.name}</Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}

export default function CalendarPage() {
  const { idOrCode = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const confirm = useConfirm();
  const canManage = useAuth().allows('calendars.manage');
  const loaded = useApiGet(`/calendars/${encodeURIComponent(idOrCode)}`, Calendar);
  const cal = loaded.data;
  const [name, setName] = useState('');
  const [timeZone, setTimeZone] = useState('Asia/Shanghai');
  const [week, setWeek] = useState<Week | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [fieldErr, setFieldErr] = useState<Record<string, string>>({});
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    if (!cal) return;
    setName(cal.name);
    setTimeZone(cal.timeZone);
    setWeek(cal.weeklyHours);
  }, [cal]);

  if (!cal || !week) return loaded.error ? <ErrorAlert error={loaded.error} onRetry={loaded.reload} /> : <LoadingState minHeight={320} />;

  const save = async () => {
    setSaving(true);
    setError(null);
    setFieldErr({});
    try {
      const saved = await api.patch(`/calendars/${cal.id}`, { version: cal.version, name: name.trim(), timeZone, weeklyHours: week }, Calendar);
      loaded.setData(saved);
      notifySuccess(t('calendars.saved', { name: saved.name }));
    } catch (e) {
      const err = toApiError(e);
      const { mapped, unmapped } = mapFieldErrors(err.fieldErrors, ['name', 'timeZone', 'weeklyHours']);
      setFieldErr(mapped);
      if (Object.keys(mapped).length === 0 || unmapped.length > 0) setError(err);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    const ok = await confirm({ title: t('calendars.deleteTitle'), message: t('calendars.deleteText', { name: cal.name }), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await api.delete(`/calendars/${cal.id}`, { version: cal.version });
      notifySuccess(t('calendars.deleted', { name: cal.name }));
      void navigate('/admin/calendars');
    } catch (e) {
      notifyError(e);
    }
  };

  return (
    <Stack gap="md" data-testid="calendar-page">
      <Anchor component={Link} to="/admin/calendars" size="sm" c="dimmed">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          {t('calendars.title')}
        </Group>
      </Anchor>
      <Group justify="space-between">
        <div>
          <Title order={2} fw={600} data-testid="page-title">
            {cal.name}
          </Title>
          <Text size="sm" c="dimmed" ff="monospace">
            {cal.code} · {cal.timeZone}
          </Text>
        </div>
        {canManage && (
          <Group gap="sm">
            <Button variant="light" leftSection={<IconFileImport size={16} />} onClick={() => setImporting(true)} data-testid="calendar-import">
              {t('calendars.import')}
            </Button>
            <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => void remove()} data-testid="calendar-delete">
              {t('common.delete')}
            </Button>
          </Group>
        )}
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Paper withBorder p="md" radius="md">
              <Title order={5} mb="xs">
                {t('calendars.weeklyHours')}
              </Title>
              <Stack gap="sm">
                {canManage && (
                  <Group grow>
                    <TextInput label={t('calendars.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldErr.name} data-testid="calendar-edit-name" />
                    <Select label={t('calendars.timeZone')} data={allTimeZones()} searchable allowDeselect={false} value={timeZone} onChange={(v) => v && setTimeZone(v)} error={fieldErr.timeZone} data-testid="calendar-edit-tz" />
                  </Group>
                )}
                <WeeklyHoursEditor value={week} onChange={setWeek} readOnly={!canManage} error={fieldErr.weeklyHours} />
                <ErrorAlert error={error} onRetry={error?.isVersionConflict ? loaded.reload : undefined} />
                {canManage && (
                  <Group justify="flex-end">
                    <Button onClick={() => void save()} loading={saving} data-testid="calendar-save">
                      {t('common.save')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Paper>
            <Paper withBorder p="md" radius="md">
              <Title order={5} mb="xs">
                {t('calendars.specialDays')}
              </Title>
              <Text size="xs" c="dimmed" mb="xs">
                {t('calendars.specialDaysHint')}
              </Text>
              <DaysByYear days={cal.days} />
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <DueCalculator idOrCode={cal.id} timeZone={cal.timeZone} />
        </Grid.Col>
      </Grid>
      <ImportDaysModal
        calendar={cal}
        opened={importing}
        onClose={() => setImporting(false)}
        onImported={(c) => {
          setImporting(false);
          loaded.setData(c);
          notifySuccess(t('calendars.imported', { name: c.name }));
        }}
      />
    </Stack>
  );
}
