import { useState } from 'react';
import { Anchor, Badge, Button, Group, Paper, Table, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { CampaignTemplate } from '../../../modules/campaigns/campaigns.contract.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageLayout } from '../../components/PageLayout.tsx';
import { EmptyState, LoadingState } from '../../components/States.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { TemplateFormModal } from './TemplateFormModal.tsx';
import { SettingsCard } from './SettingsCard.tsx';

const Templates = z.array(CampaignTemplate);

/** Template admin: e-mail and SMS templates in both languages, plus the campaign settings (cap, SMS gateway). */
export default function TemplatesPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const list = useApiGet('/campaign-templates', Templates);
  const [editing, setEditing] = useState<{ template: CampaignTemplate | null } | null>(null);

  let body;
  if (list.loading && !list.data) body = <LoadingState />;
  else if (list.error) body = <ErrorAlert error={list.error} onRetry={list.reload} />;
  else if (!list.data?.length) body = <EmptyState title={t('campaigns.templates.empty')} />;
  else
    body = (
      <Paper withBorder>
        <Table verticalSpacing="sm" highlightOnHover data-testid="templates-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('campaigns.templates.name')}</Table.Th>
              <Table.Th>{t('campaigns.channel')}</Table.Th>
              <Table.Th>{t('campaigns.templates.languages')}</Table.Th>
              <Table.Th>{t('common.updatedAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((x) => (
              <Table.Tr key={x.id}>
                <Table.Td>
                  <Anchor component="button" onClick={() => setEditing({ template: x })} data-testid="template-row">
                    {x.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{t(`campaigns.channels.${x.channel}`)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {x.bodies['zh-CN'] && <Badge variant="light">中文</Badge>}
                    {x.bodies.en && <Badge variant="light">English</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{fmt.dateTime(x.updatedAt)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    );

  return (
    <PageLayout
      title={t('campaigns.templates.title')}
      description={t('campaigns.templates.description')}
      testId="campaign-templates-page"
      actions={
        <Group>
          <Anchor component={Link} to="/campaigns" size="sm">
            {t('campaigns.backToList')}
          </Anchor>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ template: null })} data-testid="template-create">
            {t('campaigns.templates.create')}
          </Button>
        </Group>
      }
    >
      {body}
      <SettingsCard />
      <TemplateFormModal
        opened={editing !== null}
        template={editing?.template ?? null}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          list.reload();
          notifySuccess(t('campaigns.templates.saved'));
        }}
      />
    </PageLayout>
  );
}
