import { Anchor, Badge, Group, List, SimpleGrid, Stack, Table, Text, Timeline, Tooltip } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Customer360, TimelineItem } from '../../../modules/customer360/customer360.contract.ts';
import { useFormat } from '../../lib/format.ts';
import { formatYuan } from '../catalog/money.ts';
import { statusColors, statusKeys } from '../orders/labels.ts';
import { StatusBadge } from '../tickets/labels.tsx';
import type { useTiers } from '../tiers/useTiers.ts';
import { Card } from './CustomerContactCards.tsx';

type ViewProps = { view: Customer360 };

function Empty({ text }: { text: string }) {
  return (
    <Text size="sm" c="dimmed">
      {text}
    </Text>
  );
}

export function TierCard({ view, tiers }: ViewProps & { tiers: ReturnType<typeof useTiers> }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const zh = i18n.language.startsWith('zh');
  const s = view.service;
  return (
    <Card title={t('customer360.tierCard')} testId="customer-tier-card">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Stack gap={4}>
          <Group gap="xs">
            <Badge color={s?.color ?? 'gray'} variant="light" tt="none" size="lg" data-testid="customer-360-tier">
              {s ? (zh ? s.nameZh : s.nameEn) : tiers.name(view.customer.tier)}
            </Badge>
            {s && <Text size="xs" c="dimmed">{t('customer360.routingPriority', { n: s.routingPriority })}</Text>}
          </Group>
          {view.dedicatedAgent && <Text size="sm">{t('customer360.dedicatedAgent', { name: view.dedicatedAgent.name })}</Text>}
          {s && s.benefits.length > 0 && (
            <>
              <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                {t('customer360.benefits')}
              </Text>
              <List size="sm" spacing={2}>
                {s.benefits.map((b) => (
                  <List.Item key={b.en}>{zh ? b.zh : b.en}</List.Item>
                ))}
              </List>
            </>
          )}
        </Stack>
        <Stack gap={4}>
          <Text size="xs" fw={600} c="dimmed" tt="uppercase">
            {t('customer360.tierHistory')}
          </Text>
          {view.tierHistory.length === 0 && <Empty text={t('customer360.noTierHistory')} />}
          {view.tierHistory.slice(0, 8).map((h) => (
            <Text key={h.id} size="sm">
              {fmt.date(h.createdAt)} · {h.fromTier ? tiers.name(h.fromTier) : '—'} → {tiers.name(h.toTier)} <Text span size="xs" c="dimmed">({h.reason})</Text>
            </Text>
          ))}
        </Stack>
      </SimpleGrid>
    </Card>
  );
}

export function PurchasesCard({ view }: ViewProps) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const p = view.purchases;
  if (!p) return null;
  const money = (fen: number) => formatYuan(fen, i18n.language);
  const definition = i18n.language.startsWith('zh') ? p.clv.settings.definition['zh-CN'] : p.clv.settings.definition.en;
  return (
    <Card title={t('customer360.purchases')} testId="customer-purchases">
      <SimpleGrid cols={{ base: 2, sm: 4 }} mb="sm">
        <Stat label={t('customer360.clvHistorical')} value={money(p.clv.historicalFen)} testId="clv-historical" />
        <Stat label={t('customer360.clvPredicted')} value={money(p.clv.predictedFen)} testId="clv-predicted" />
        <Stat label={t('customer360.averageOrder')} value={money(p.clv.averageOrderFen)} />
        <Stat label={t('customer360.perYear')} value={String(p.clv.purchasesPerYear)} />
      </SimpleGrid>
      <Group gap={6} mb="sm" wrap="nowrap" align="flex-start">
        <IconInfoCircle size={14} style={{ flexShrink: 0, marginTop: 3 }} />
        <Text size="xs" c="dimmed" data-testid="clv-definition">
          {t('customer360.clvDefinition')}: {definition}
        </Text>
      </Group>
      {p.orders.length === 0 ? (
        <Empty text={t('customer360.noOrders')} />
      ) : (
        <>
          <Text size="xs" c="dimmed" mb={4}>
            {t('customer360.ordersTotal', { count: p.total })}
          </Text>
          <Table striped fz="sm">
            <Table.Tbody>
              {p.orders.map((o) => (
                <Table.Tr key={o.id} data-testid="customer-order">
                  <Table.Td ff="monospace">{o.number}</Table.Td>
                  <Table.Td>{fmt.date(o.orderedAt)}</Table.Td>
                  <Table.Td>
                    {o.items.map((i) => (
                      <div key={i.lineNo}>
                        <Text size="sm">{i.name}</Text>
                        {i.serialNumbers.length > 0 && (
                          <Text size="xs" c="dimmed" ff="monospace" data-testid="customer-order-serials">
                            {t('customer360.serials', { serials: i.serialNumbers.join(', ') })}
                          </Text>
                        )}
                      </div>
                    ))}
                  </Table.Td>
                  <Table.Td>
                    <Badge size="xs" variant="light" color={statusColors[o.status]}>
                      {t(statusKeys[o.status])}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">{money(o.netFen)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Card>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

export function TicketsCard({ view }: ViewProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const tk = view.tickets;
  if (!tk) return null;
  return (
    <Card title={t('customer360.tickets')} testId="customer-tickets">
      <Text size="xs" c="dimmed" mb={4}>
        {t('customer360.ticketsSummary', { total: tk.total, open: tk.open, complaints: tk.complaints })}
      </Text>
      {tk.items.length === 0 && <Empty text={t('customer360.noTickets')} />}
      <Stack gap={4}>
        {tk.items.map((x) => (
          <Group key={x.id} justify="space-between" wrap="nowrap">
            <div style={{ minWidth: 0 }}>
              <Anchor component={Link} to={`/tickets/${x.id}`} size="sm" lineClamp={1}>
                {x.number} · {x.subject}
              </Anchor>
              <Text size="xs" c="dimmed">
                {fmt.dateTime(x.createdAt)}
                {x.type === 'complaint' ? ` · ${t('customer360.tl_complaint')}` : ''}
              </Text>
            </div>
            <StatusBadge status={x.status as Parameters<typeof StatusBadge>[0]['status']} />
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

export function MessagesCard({ view }: ViewProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (!view.messages) return null;
  return (
    <Card title={t('customer360.messages')} testId="customer-messages">
      {view.messages.length === 0 && <Empty text={t('customer360.noMessages')} />}
      <Stack gap={4}>
        {view.messages.slice(0, 20).map((m) => (
          <Group key={m.id} justify="space-between" wrap="nowrap">
            <Text size="sm" lineClamp={1}>
              {m.campaignName}
              {m.subject ? ` · ${m.subject}` : ''}
            </Text>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {t(`campaigns.channels.${m.channel}`)} · {t(`campaigns.messageStatuses.${m.status}`, { defaultValue: m.status })}
              {m.reason ? ` (${t(`campaigns.reasons.${m.reason}`, { defaultValue: m.reason })})` : ''} · {fmt.dateTime(m.sentAt ?? m.createdAt)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

export function CallTasksCard({ view }: ViewProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (!view.callTasks) return null;
  return (
    <Card title={t('customer360.callTasks')} testId="customer-call-tasks">
      {view.callTasks.length === 0 && <Empty text={t('customer360.noCallTasks')} />}
      <Stack gap={4}>
        {view.callTasks.slice(0, 20).map((c) => (
          <Group key={c.id} justify="space-between" wrap="nowrap">
            <Text size="sm" lineClamp={1}>
              {c.campaignName}
            </Text>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {c.outcome ? t(`followups.outcomes.${c.outcome}`, { defaultValue: c.outcome }) : t(`followups.${c.status === 'done' ? 'done' : 'open'}`)} · {fmt.date(c.completedAt ?? c.dueAt)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

const dotColor: Record<TimelineItem['kind'], string> = { order: 'green', ticket: 'blue', complaint: 'red', message: 'violet', call_task: 'cyan', note: 'gray', tier: 'yellow', change: 'dark' };

export function TimelineCard({ view }: ViewProps) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  return (
    <Card title={t('customer360.timeline')} testId="customer-timeline">
      {view.timeline.length === 0 && <Empty text={t('customer360.noTimeline')} />}
      <Timeline bulletSize={12} lineWidth={2}>
        {view.timeline.map((i, n) => (
          <Timeline.Item key={`${i.kind}-${i.at}-${n}`} color={dotColor[i.kind]} data-testid="timeline-item">
            <Group gap={6} wrap="nowrap">
              <Badge size="xs" variant="light" color={dotColor[i.kind]}>
                {t(`customer360.tl_${i.kind}`)}
              </Badge>
              <Tooltip label={i.action} withinPortal>
                <Text size="sm" lineClamp={1}>
                  {i.link ? (
                    <Anchor component={Link} to={i.link} size="sm">
                      {i.title || i.action}
                    </Anchor>
                  ) : (
                    i.title || i.action
                  )}
                </Text>
              </Tooltip>
              {i.amountFen !== null && (
                <Text size="sm" fw={600}>
                  {formatYuan(i.amountFen, i18n.language)}
                </Text>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {fmt.dateTime(i.at)}
              {i.status ? ` · ${i.status}` : ''}
              {i.actorName ? ` · ${i.actorName}` : ''}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </Card>
  );
}
