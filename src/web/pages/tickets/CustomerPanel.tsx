import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconMail, IconPhone, IconId } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Customer } from '../../../modules/customers/customers.contract.ts';
import { ServiceStandard } from '../../../modules/customers/tiers.contract.ts';
import { Ticket } from '../../../modules/tickets/tickets.contract.ts';
import { page } from '../../../platform/http/pagination.contract.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { StatusBadge } from './labels.tsx';

const TicketPage = page(Ticket);
const icon = { email: <IconMail size={14} />, phone: <IconPhone size={14} />, external: <IconId size={14} /> } as const;

/** The customer of the ticket: identities, tier and their other tickets. */
export function CustomerPanel({ customerId, ticketId }: { customerId: string | null; ticketId: string }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const canRead = useAuth().allows('customers.read');
  const customer = useApiGet(customerId && canRead ? `/customers/${customerId}` : null, Customer);
  // the tier's name in the UI language and its benefits (service standard of customers/tiers)
  const standard = useApiGet(customerId && canRead ? `/customers/${customerId}/service-standard` : null, ServiceStandard);
  const std = standard.data;
  const zh = i18n.language.startsWith('zh');
  const others = useApiGet(customerId ? '/tickets' : null, TicketPage, { customerId: customerId ?? undefined, limit: 10, sort: 'created_desc' });
  const c = customer.data;
  const otherTickets = (others.data?.items ?? []).filter((x) => x.id !== ticketId);
  return (
    <Paper withBorder p="md" radius="md" data-testid="customer-panel">
      <Title order={5} mb="xs">
        {t('tickets.customer')}
      </Title>
      {!customerId ? (
        <Text size="sm" c="dimmed">
          {t('tickets.noCustomer')}
        </Text>
      ) : (
        <Stack gap="xs">
          {c && (
            <>
              <Group gap="xs">
                <Anchor component={Link} to={`/customers/${c.id}`} fw={600} data-testid="customer-name">
                  {c.name}
                </Anchor>
                <Badge size="sm" variant="light" color={std?.color ?? (c.tier === 'regular' ? 'gray' : 'yellow')} tt="none" data-testid="customer-tier">
                  {std ? (zh ? std.nameZh : std.nameEn) : c.tier}
                  {std?.overridden ? ` · ${t('tierPanel.manual')}` : ''}
                </Badge>
              </Group>
              {std && std.benefits.length > 0 && (
                <Stack gap={2} data-testid="customer-benefits">
                  <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                    {t('tierPanel.benefits')}
                  </Text>
                  {std.benefits.map((b) => (
                    <Text key={b.zh} size="sm">
                      · {zh ? b.zh : b.en}
                    </Text>
                  ))}
                </Stack>
              )}
              {c.identities.map((i) => (
                <Group key={`${i.kind}:${i.value}`} gap={6} wrap="nowrap">
                  {icon[i.kind]}
                  <Text size="sm" style={{ wordBreak: 'break-all' }}>
                    {i.value}
                  </Text>
                </Group>
              ))}
            </>
          )}
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" mt="xs">
            {t('tickets.otherTickets')}
          </Text>
          {otherTickets.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('tickets.noOtherTickets')}
            </Text>
          ) : (
            otherTickets.map((o) => (
              <Group key={o.id} justify="space-between" wrap="nowrap" gap="xs" data-testid="customer-other-ticket">
                <div style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/tickets/${o.id}`} size="sm" lineClamp={1}>
                    {o.number} · {o.subject}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {fmt.dateTime(o.createdAt)}
                  </Text>
                </div>
                <StatusBadge status={o.status} />
              </Group>
            ))
          )}
        </Stack>
      )}
    </Paper>
  );
}
