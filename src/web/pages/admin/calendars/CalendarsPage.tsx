import { useState } from 'react';
import { Anchor, Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { z } from 'zod';
import { Calendar, CalendarSummary } from '../../../../platform/calendar/calendar.contract.ts';
import { api } from '../../../api.ts';
import { useAuth } from '../../../auth/AuthContext.tsx';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { useArrayList } from '../../../lib/arrayList.ts';
import { useFormat } from '../../../lib/format.ts';
import { allTimeZones } from '../../../lib/timeZones.ts';
import { defaultWeek, WeeklyHoursEditor, weekdays, type Week } from './WeeklyHoursEditor.tsx';

const Calendars = z.array(CalendarSummary);
type Summary = z.infer<typeof CalendarSummary>;

export function weekSummary(w: Week, t: (k: `calendars.weekday.${keyof Week}`) => string): string {
  return weekdays
    .filter((d) => w[d].length > 0)
    .map((d) => `${t(`calendars.weekday.${d}`)} ${w[d].map((r) => `${r.start}–${r.end}`).join(', ')}`)
    .join(' · ');
}

export default function CalendarsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const canManage = useAuth().allows('calendars.manage');
  const list = useArrayList('/calendars', Calendars);
  const [creating, setCreating] = useState(false);

  const columns: Column<Summary>[] = [
    {
      key: 'name',
      header: t('calendars.name'),
      render: (c) => (
        <div>
          <Anchor component={Link} to={`/admin/calendars/${c.code}`} size="sm" fw={500} data-testid="calendar-link">
            {c.name}
          </Anchor>
          <Text size="xs" c="dimmed" ff="monospace">
            {c.code}
          </Text>
        </div>
      ),
    },
    { key: 'tz', header: t('calendars.timeZone'), render: (c) => <Text size="sm">{c.timeZone}</Text> },
    {
      key: 'hours',
      header: t('calendars.weeklyHours'),
      render: (c) => (
        <Text size="xs" lineClamp={2}>
          {weekSummary(c.weeklyHours, t)}
        </Text>
      ),
    },
    { key: 'days', header: t('calendars.specialDays'), render: (c) => <Text size="sm">{t('calendars.dayCounts', { holidays: c.holidayCount, workdays: c.workdayCount })}</Text> },
    { key: 'updated', header: t('common.updatedAt'), render: (c) => <Text size="sm">{fmt.dateTime(c.updatedAt)}</Text> },
  ];

  return (
    <PageLayout
      title={t('calendars.title')}
      description={t('calendars.description')}
      testId="calendars-page"
      actions={
        canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="calendar-create">
            {t('calendars.create')}
          </Button>
        )
      }
    >
      <DataTable list={list} columns={columns} rowKey={(c) => c.id} testId="calendars" emptyTitle={t('calendars.empty')} />
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('calendars.createTitle')} size="xl" centered data-testid="calendar-form-modal">
        <CreateCalendarForm onClose={() => setCreating(false)} onCreated={(c) => void navigate(`/admin/calendars/${c.code}`)} />
      </Modal>
    </PageLayout>
  );
}

function CreateCalendarForm({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Calendar) => void }) {
  const { t } = useTranslation();
  const [key, renewKey] = useIdempotencyKey();
  const form = useForm({
    mode: 'controlled',
    initialValues: { code: '', name: '', timeZone: 'Asia/Shanghai', weeklyHours: defaultWeek(), includeChinaOfficial: true },
    validate: { code: (v) => (v.trim() ? null : t('validation.required')), name: (v) => (v.trim() ? null : t('validation.required')) },
  });
  const { submit, submitting, error } = useSubmit(form, async (v: typeof form.values) => {
    try {
      onCreated(await api.create('/calendars', { ...v, code: v.code.trim(), name: v.name.trim() }, Calendar, key));
    } finally {
      renewKey();
    }
  });
  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <Group grow>
          <TextInput label={t('calendars.code')} required data-testid="calendar-code" {...form.getInputProps('code')} />
          <TextInput label={t('calendars.name')} required data-testid="calendar-name" {...form.getInputProps('name')} />
        </Group>
        <Select label={t('calendars.timeZone')} data={allTimeZones()} searchable allowDeselect={false} data-testid="calendar-tz" {...form.getInputProps('timeZone')} />
        <WeeklyHoursEditor value={form.values.weeklyHours} onChange={(w) => form.setFieldValue('weeklyHours', w)} error={form.errors.weeklyHours as string | undefined} />
        <Checkbox label={t('calendars.includeChina')} data-testid="calendar-china" {...form.getInputProps('includeChinaOfficial', { type: 'checkbox' })} />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="calendar-submit">
            {t('calendars.submitCreate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
