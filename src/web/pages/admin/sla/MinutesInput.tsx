import { Group, Input, NumberInput, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

interface Props {
  label: string;
  value: number | null;
  onChange: (minutes: number | null) => void;
  error?: string;
  testId: string;
}

/** A target in business minutes, edited as hours + minutes; both empty = no target. */
export function MinutesInput({ label, value, onChange, error, testId }: Props) {
  const { t } = useTranslation();
  const h = value === null ? '' : Math.floor(value / 60);
  const m = value === null ? '' : value % 60;
  const set = (nh: number | string, nm: number | string) => {
    if (nh === '' && nm === '') return onChange(null);
    const total = (Number(nh) || 0) * 60 + (Number(nm) || 0);
    onChange(total > 0 ? total : null);
  };
  return (
    <Input.Wrapper label={label} error={error} data-testid={testId}>
      <Group gap={6} wrap="nowrap">
        <NumberInput value={h} onChange={(v) => set(v, m)} min={0} max={8760} allowDecimal={false} placeholder="—" rightSection={<Text size="xs" c="dimmed">{t('sla.unitH')}</Text>} rightSectionWidth={44} hideControls w={110} aria-label={`${label} (${t('sla.hours')})`} data-testid={`${testId}-h`} />
        <NumberInput value={m} onChange={(v) => set(h, v)} min={0} max={59} allowDecimal={false} placeholder="—" rightSection={<Text size="xs" c="dimmed">{t('sla.unitM')}</Text>} rightSectionWidth={36} hideControls w={96} aria-label={`${label} (${t('sla.minutes')})`} data-testid={`${testId}-m`} />
      </Group>
    </Input.Wrapper>
  );
}

/** 90 → "1h 30m", 1440 → "24h", null → "—". */
export function useMinutesLabel() {
  const { t } = useTranslation();
  return (v: number | null) => {
    if (v === null) return '—';
    const h = Math.floor(v / 60);
    const m = v % 60;
    return [h ? `${h}${t('sla.unitH')}` : '', m ? `${m}${t('sla.unitM')}` : ''].filter(Boolean).join(' ');
  };
}
