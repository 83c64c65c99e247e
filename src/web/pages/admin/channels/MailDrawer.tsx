import { Badge, Code, Drawer, Group, Stack, Tabs, Text } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { OutboxMailDetail } from '../../../../modules/channels/channels.contract.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { LoadingState } from '../../../components/States.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useApiGet } from '../../../lib/useApi.ts';
import { MailStatusBadge } from './labels.tsx';

const kb = (n: number) => (n < 1024 ? `${n} B` : `${Math.round(n / 102.4) / 10} KB`);

/**
 * One sent mail. The HTML part (sanitised on the server) is shown in an iframe sandboxed without scripts or
 * same-origin rights, so that even a flaw in sanitising could not act on the console's session.
 */
export function MailDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const mail = useApiGet(id ? `/mail/outbox/${id}` : null, OutboxMailDetail);
  const m = mail.data && mail.data.id === id ? mail.data : undefined;
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="xl" title={m ? t('mailAdmin.mailTitle', { to: m.toAddress }) : ''} data-testid="mail-drawer">
      {mail.error && <ErrorAlert error={mail.error} onRetry={mail.reload} />}
      {!m && !mail.error && <LoadingState />}
      {m && (
        <Stack gap="sm">
          <Text fw={600} data-testid="mail-subject">
            {m.subject}
          </Text>
          <Group gap="xs">
            <MailStatusBadge status={m.status} />
            <Text size="xs" c="dimmed">
              {m.fromAddress} → {m.toAddress} · {fmt.dateTime(m.sentAt ?? m.createdAt)} · {t('mailAdmin.attempts')}: {m.attempts}
              {m.transport ? ` · ${m.transport}` : ''}
            </Text>
          </Group>
          {m.error && (
            <Text size="sm" c="red">
              {t('mailAdmin.error')}: {m.error}
            </Text>
          )}
          {m.attachments.length > 0 && (
            <Group gap="xs" data-testid="mail-attachments">
              <Text size="sm">{t('mailAdmin.attachments')}:</Text>
              {m.attachments.map((a, i) => (
                <Badge key={i} variant="light" leftSection={<IconPaperclip size={12} />} tt="none" data-testid="mail-attachment">
                  {a.filename} ({kb(a.size)})
                </Badge>
              ))}
            </Group>
          )}
          <Tabs defaultValue={m.html ? 'html' : 'text'} keepMounted={false}>
            <Tabs.List>
              {m.html && (
                <Tabs.Tab value="html" data-testid="mail-tab-html">
                  {t('mailAdmin.rendered')}
                </Tabs.Tab>
              )}
              <Tabs.Tab value="text" data-testid="mail-tab-text">
                {t('mailAdmin.plain')}
              </Tabs.Tab>
              <Tabs.Tab value="raw" data-testid="mail-tab-raw">
                {t('mailAdmin.rawSource')}
              </Tabs.Tab>
            </Tabs.List>
            {m.html && (
              <Tabs.Panel value="html" pt="sm">
                <iframe title={m.subject} sandbox="" srcDoc={m.html} style={{ width: '100%', minHeight: 420, border: '1px solid var(--mantine-color-default-border)', borderRadius: 6, background: 'white' }} data-testid="mail-html" />
              </Tabs.Panel>
            )}
            <Tabs.Panel value="text" pt="sm">
              <Code block style={{ whiteSpace: 'pre-wrap' }} data-testid="mail-text">
                {m.text}
              </Code>
            </Tabs.Panel>
            <Tabs.Panel value="raw" pt="sm">
              <Code block fz="xs" mah={600} style={{ overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid="mail-raw">
                {m.raw.length > 200_000 ? `${m.raw.slice(0, 200_000)}\n…` : m.raw}
              </Code>
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}
