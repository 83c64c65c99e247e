import { useState } from 'react';
import { Button, Group, NumberInput, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, toApiError, type ApiError } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useFormat } from '../../../lib/format.ts';
import { utcToZonedWallClock, zonedWallClockToUtc } from '../../../lib/time.ts';

const Due = z.object({ due: z.string() });

/** "If work starts at … and needs N business hours, when is it due?" — GET add-business-time. */
export function DueCalculator({ idOrCode, timeZone }: { idOrCode: string; timeZone: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [start, setStart] = useState(() => utcToZonedWallClock(new Date().toISOString(), fmt.timeZone));
  const [hours, setHours] = useState<number | string>(8);
  const [minutes, setMinutes] = useState<number | string>(0);
  const [due, setDue] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const calc = async () => {
    setError(null);
    try {
      const total = (Number(hours) || 0) * 60 + (Number(minutes) || 0);
      const res = await api.get(`/calendars/${idOrCode}/add-business-time`, Due, { start: zonedWallClockToUtc(start, fmt.timeZone), minutes: total });
      setDue(res.due);
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <Paper withBorder p="md" radius="md" data-testid="due-calculator">
      <Title order={5} mb="xs">
        {t('calendars.calculator')}
      </Title>
      <Stack gap="sm">
        <TextInput type="datetime-local" label={t('calendars.calcStart')} description={t('calendars.calcStartHint', { zone: fmt.timeZone })} value={start} onChange={(e) => setStart(e.currentTarget.value)} data-testid="calc-start" />
        <Group grow>
          <NumberInput label={t('sla.hours')} value={hours} onChange={setHours} min={0} max={8760} allowDecimal={false} data-testid="calc-hours" />
          <NumberInput label={t('sla.minutes')} value={minutes} onChange={setMinutes} min={0} max={59} allowDecimal={false} data-testid="calc-minutes" />
        </Group>
        <Button variant="light" onClick={() => void calc()} data-testid="calc-submit">
          {t('calendars.calcButton')}
        </Button>
        {due && (
          <Text size="sm" data-testid="calc-result">
            {t('calendars.calcResult', { at: fmt.dateTime(due), zone: fmt.timeZone })}
            <Text span size="xs" c="dimmed">
              {' '}
              ({t('calendars.calcCalendarZone', { zone: timeZone })})
            </Text>
          </Text>
        )}
        <ErrorAlert error={error} />
      </Stack>
    </Paper>
  );
}
