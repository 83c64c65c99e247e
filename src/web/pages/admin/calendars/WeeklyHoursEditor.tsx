import { ActionIcon, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { WeeklyHours } from '../../../../platform/calendar/calendar.contract.ts';

export type Week = z.infer<typeof WeeklyHours>;
export type Weekday = keyof Week;
export const weekdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export const defaultWeek = (): Week => {
  const nine = [{ start: '09:00', end: '18:00' }];
  return { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine, sat: [], sun: [] };
};

/** Weekly working hours: several intervals a day (e.g. 09:00–12:00 and 13:30–18:00 around lunch). */
export function WeeklyHoursEditor({ value, onChange, readOnly, error }: { value: Week; onChange: (w: Week) => void; readOnly?: boolean; error?: string }) {
  const { t } = useTranslation();
  const setDay = (d: Weekday, ranges: Week[Weekday]) => onChange({ ...value, [d]: ranges });
  return (
    <Stack gap={4}>
      <Table verticalSpacing={6} data-testid="weekly-hours">
        <Table.Tbody>
          {weekdays.map((d) => (
            <Table.Tr key={d} data-testid={`weekday-${d}`}>
              <Table.Td w={90}>
                <Text size="sm" fw={500}>
                  {t(`calendars.weekday.${d}`)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap="xs">
                  {value[d].length === 0 && (
                    <Text size="sm" c="dimmed">
                      {t('calendars.closed')}
                    </Text>
                  )}
                  {value[d].map((r, i) =>
                    readOnly ? (
                      <Text key={i} size="sm" ff="monospace">
                        {r.start}–{r.end}
                      </Text>
                    ) : (
                      <Group key={i} gap={4} wrap="nowrap">
                        <TextInput size="xs" w={70} value={r.start} aria-label={t('calendars.from')} onChange={(e) => setDay(d, value[d].map((x, j) => (j === i ? { ...x, start: e.currentTarget.value } : x)))} data-testid="range-start" />
                        <Text size="xs">–</Text>
                        <TextInput size="xs" w={70} value={r.end} aria-label={t('calendars.to')} onChange={(e) => setDay(d, value[d].map((x, j) => (j === i ? { ...x, end: e.currentTarget.value } : x)))} data-testid="range-end" />
                        <ActionIcon size="sm" variant="subtle" color="gray" aria-label={t('common.remove')} onClick={() => setDay(d, value[d].filter((_, j) => j !== i))}>
                          <IconX size={12} />
                        </ActionIcon>
                      </Group>
                    ),
                  )}
                  {!readOnly && value[d].length < 6 && (
                    <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={12} />} onClick={() => setDay(d, [...value[d], { start: value[d].at(-1)?.end ?? '09:00', end: '18:00' }])} data-testid="range-add">
                      {t('calendars.addInterval')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
    </Stack>
  );
}
