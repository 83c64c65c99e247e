import { Badge, Group, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const verdictColor: Record<string, string> = { pass: 'teal', fail: 'red', softfail: 'orange', neutral: 'yellow', policy: 'yellow', none: 'gray', temperror: 'gray', permerror: 'orange', skipped: 'gray' };

/** SPF / DKIM / DMARC verdicts as three small badges; grey "not checked" for mail that came without SMTP (IMAP, import). */
export function AuthBadges({ auth }: { auth: { spf: string; dkim: string; dmarc: string; results?: string | null } | null }) {
  const { t } = useTranslation();
  if (!auth)
    return (
      <Badge size="xs" variant="outline" color="gray" tt="none">
        {t('mailAdmin.notChecked')}
      </Badge>
    );
  const one = (name: string, v: string) => (
    <Badge key={name} size="xs" variant="light" color={verdictColor[v] ?? 'gray'} tt="none" data-testid={`auth-${name}`} data-verdict={v}>
      {name.toUpperCase()} {v}
    </Badge>
  );
  return (
    <Tooltip label={auth.results ?? ''} disabled={!auth.results} multiline w={420} withArrow>
      <Group gap={4} wrap="nowrap">
        {one('spf', auth.spf)}
        {one('dkim', auth.dkim)}
        {one('dmarc', auth.dmarc)}
      </Group>
    </Tooltip>
  );
}

const statusColor: Record<string, string> = { received: 'blue', processed: 'teal', duplicate: 'gray', failed: 'red', queued: 'blue', sent: 'teal' };

export function MailStatusBadge({ status }: { status: 'received' | 'processed' | 'duplicate' | 'failed' | 'queued' | 'sent' }) {
  const { t } = useTranslation();
  return (
    <Badge variant="dot" color={statusColor[status]} tt="none" data-testid="mail-status">
      {t(`mailAdmin.status.${status}`)}
    </Badge>
  );
}
