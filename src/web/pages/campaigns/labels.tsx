import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CampaignStatus, MessageStatus } from '../../../modules/campaigns/campaigns.contract.ts';

const statusColor: Record<CampaignStatus, string> = { draft: 'gray', active: 'teal', paused: 'yellow', done: 'blue' };
const messageColor: Record<MessageStatus, string> = { queued: 'gray', sending: 'blue', sent: 'teal', failed: 'red', skipped: 'yellow' };

export function StatusBadge({ status }: { status: CampaignStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="dot" color={statusColor[status]} tt="none" data-testid="campaign-status">
      {t(`campaigns.statuses.${status}`)}
    </Badge>
  );
}

export function MessageStatusBadge({ status }: { status: MessageStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={messageColor[status]} tt="none">
      {t(`campaigns.messageStatuses.${status}`)}
    </Badge>
  );
}
