import { useState } from 'react';
import { Anchor, Badge, Button, Group, Paper, Table, Text } from '@mantine/core';
import { IconPlus, IconTemplate } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { z } from 'zod';
import { Campaign } from '../../../modules/campaigns/campaigns.contract.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageLayout } from '../../components/PageLayout.tsx';
import { EmptyState, LoadingState } from '../../components/States.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { CampaignFormModal } from './CampaignFormModal.tsx';
import { StatusBadge } from './labels.tsx';

const Campaigns = z.array(Campaign);

/** Care campaigns (客户关怀): birthdays, holidays, promotions, maintenance reminders and follow-up calls. */
export default function CampaignsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const list = useApiGet('/campaigns', Campaigns);
  const [creating, setCreating] = useState(false);

  let body;
  if (list.loading && !list.data) body = <LoadingState />;
  else if (list.error) body = <ErrorAlert error={list.error} onRetry={list.reload} />;
  else if (!list.data?.length) body = <EmptyState title={t('campaigns.empty')} description={t('campaigns.emptyHint')} />;
  else
    body = (
      <Paper withBorder>
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="campaigns-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('campaigns.name')}</Table.Th>
                <Table.Th>{t('campaigns.kind')}</Table.Th>
                <Table.Th>{t('campaigns.channel')}</Table.Th>
                <Table.Th>{t('campaigns.status')}</Table.Th>
                <Table.Th>{t('common.createdAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((c) => (
                <Table.Tr key={c.id} data-testid="campaign-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/campaigns/${c.id}`} data-testid="campaign-link">
                      {c.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none">
                      {t(`campaigns.kinds.${c.kind}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{t(`campaigns.channels.${c.channel}`)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={c.status} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{fmt.dateTime(c.createdAt)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    );

  return (
    <PageLayout
      title={t('campaigns.title')}
      description={t('campaigns.description')}
      testId="campaigns-page"
      actions={
        <Group>
          <Button variant="default" component={Link} to="/campaigns/templates" leftSection={<IconTemplate size={16} />} data-testid="campaign-templates-link">
            {t('campaigns.templates.title')}
          </Button>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="campaign-create">
            {t('campaigns.create')}
          </Button>
        </Group>
      }
    >
      {body}
      <CampaignFormModal
        opened={creating}
        campaign={null}
        onClose={() => setCreating(false)}
        onSaved={(c) => {
          setCreating(false);
          notifySuccess(t('campaigns.saved'));
          void navigate(`/campaigns/${c.id}`);
        }}
      />
    </PageLayout>
  );
}
