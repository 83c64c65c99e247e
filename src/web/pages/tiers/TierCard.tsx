import { ActionIcon, Card, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { TierDefinitionParsed } from '../../../modules/customers/tiers.contract.ts';

export type Draft = TierDefinitionParsed;

const colors = ['gray', 'yellow', 'orange', 'red', 'grape', 'violet', 'blue', 'teal', 'green'];
const num = (v: string | number) => (v === '' || v === null ? null : Number(v));

/** One tier of the editor: names, rank, RFM thresholds and service standards. */
export function TierCard({ d, index, error, onChange, onRemove, isFloor }: { d: Draft; index: number; error: (field: string) => string | undefined; onChange: (d: Draft) => void; onRemove: () => void; isFloor: boolean }) {
  const { t } = useTranslation();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => onChange({ ...d, [k]: v });
  const setBenefit = (i: number, lang: 'zh' | 'en', v: string) => set('benefits', d.benefits.map((b, j) => (j === i ? { ...b, [lang]: v } : b)));
  return (
    <Card withBorder radius="md" p="md" data-testid={`tier-card-${d.code || index}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Text fw={600}>{d.nameZh || d.code || t('tiersAdmin.newTier')}</Text>
            {isFloor && (
              <Text size="xs" c="dimmed">
                {t('tiersAdmin.floorHint')}
              </Text>
            )}
          </Group>
          <Group gap="xs">
            <Switch label={t('tiersAdmin.active')} checked={d.active} onChange={(e) => set('active', e.currentTarget.checked)} />
            <Tooltip label={t('tiersAdmin.remove')}>
              <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t('tiersAdmin.remove')}>
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 5 }}>
          <TextInput label={t('tiersAdmin.code')} value={d.code} onChange={(e) => set('code', e.currentTarget.value)} error={error('code')} data-testid="tier-code" />
          <NumberInput label={t('tiersAdmin.rank')} value={d.rank} min={0} max={1000} onChange={(v) => set('rank', Number(v) || 0)} error={error('rank')} />
          <TextInput label={t('tiersAdmin.nameZh')} value={d.nameZh} onChange={(e) => set('nameZh', e.currentTarget.value)} error={error('nameZh')} />
          <TextInput label={t('tiersAdmin.nameEn')} value={d.nameEn} onChange={(e) => set('nameEn', e.currentTarget.value)} error={error('nameEn')} />
          <Select label={t('tiersAdmin.color')} data={colors} value={d.color} onChange={(v) => set('color', v)} clearable />
        </SimpleGrid>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase">
          {t('tiersAdmin.thresholds')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 4 }}>
          <NumberInput
            label={t('tiersAdmin.minMonetary')}
            description={t('tiersAdmin.minMonetaryHint')}
            value={d.minMonetaryFen === null ? '' : d.minMonetaryFen / 100}
            decimalScale={2}
            min={0}
            onChange={(v) => set('minMonetaryFen', num(v) === null ? null : Math.round(Number(v) * 100))}
            data-testid="tier-min-monetary"
          />
          <NumberInput label={t('tiersAdmin.minFrequency')} description={t('tiersAdmin.minFrequencyHint')} value={d.minFrequency ?? ''} min={0} onChange={(v) => set('minFrequency', num(v))} />
          <NumberInput label={t('tiersAdmin.maxRecency')} description={t('tiersAdmin.maxRecencyHint')} value={d.maxRecencyDays ?? ''} min={0} onChange={(v) => set('maxRecencyDays', num(v))} />
          <NumberInput label={t('tiersAdmin.minEngagement')} description={t('tiersAdmin.minEngagementHint')} value={d.minEngagement ?? ''} min={0} onChange={(v) => set('minEngagement', num(v))} />
        </SimpleGrid>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase">
          {t('tiersAdmin.service')}
        </Text>
        <Group align="flex-end">
          <NumberInput label={t('tiersAdmin.routingPriority')} description={t('tiersAdmin.routingPriorityHint')} value={d.routingPriority} min={0} max={100} onChange={(v) => set('routingPriority', Number(v) || 0)} w={260} />
          <Switch label={t('tiersAdmin.dedicatedAgent')} checked={d.dedicatedAgent} onChange={(e) => set('dedicatedAgent', e.currentTarget.checked)} mb={6} />
        </Group>
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm">{t('tiersAdmin.benefits')}</Text>
            <ActionIcon variant="light" onClick={() => set('benefits', [...d.benefits, { zh: '', en: '' }])} aria-label={t('tiersAdmin.addBenefit')}>
              <IconPlus size={16} />
            </ActionIcon>
          </Group>
          {d.benefits.map((b, i) => (
            <Group key={i} gap="xs" wrap="nowrap">
              <TextInput placeholder="中文" value={b.zh} onChange={(e) => setBenefit(i, 'zh', e.currentTarget.value)} style={{ flex: 1 }} error={error(`benefits.${i}.zh`)} />
              <TextInput placeholder="English" value={b.en} onChange={(e) => setBenefit(i, 'en', e.currentTarget.value)} style={{ flex: 1 }} error={error(`benefits.${i}.en`)} />
              <ActionIcon variant="subtle" color="red" onClick={() => set('benefits', d.benefits.filter((_, j) => j !== i))} aria-label={t('tiersAdmin.remove')}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}
