import { Tabs } from '@mantine/core';
import { IconUserCog, IconUsersGroup } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { TeamRoutingTable } from './TeamRoutingTable.tsx';
import { AgentSkillsTable } from './AgentSkillsTable.tsx';

/** Admin: each team's assignment rule and escalation, and the agents' skills that skill-based routing matches. */
export default function RoutingPage() {
  const { t } = useTranslation();
  return (
    <PageLayout title={t('ticketConfig.routing.title')} description={t('ticketConfig.routing.description')} testId="routing-page">
      <Tabs defaultValue="teams" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="teams" leftSection={<IconUsersGroup size={16} />} data-testid="routing-tab-teams">
            {t('ticketConfig.routing.teamsTab')}
          </Tabs.Tab>
          <Tabs.Tab value="skills" leftSection={<IconUserCog size={16} />} data-testid="routing-tab-skills">
            {t('ticketConfig.routing.skillsTab')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="teams" pt="md">
          <TeamRoutingTable />
        </Tabs.Panel>
        <Tabs.Panel value="skills" pt="md">
          <AgentSkillsTable />
        </Tabs.Panel>
      </Tabs>
    </PageLayout>
  );
}
