import { Tabs } from '@mantine/core';
import { IconInbox, IconSettings, IconWebhook } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { MailSettingsPanel } from './MailSettingsPanel.tsx';
import { InboundLog } from './InboundLog.tsx';
import { InboundChannels } from './InboundChannels.tsx';

const tabs = ['settings', 'inbound', 'channels'] as const;
type Tab = (typeof tabs)[number];

/** The admin's view of how customers reach the helpdesk: mail settings, the received-mail log, webhook endpoints. */
export default function ChannelsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = (tabs as readonly string[]).includes(asked ?? '') ? (asked as Tab) : 'settings';
  return (
    <PageLayout title={t('mailAdmin.title')} description={t('mailAdmin.description')} testId="mail-channels-page">
      <Tabs value={tab} onChange={(v) => setParams(v && v !== 'settings' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="settings" leftSection={<IconSettings size={16} />} data-testid="mail-tab-settings">
            {t('mailAdmin.tabs.settings')}
          </Tabs.Tab>
          <Tabs.Tab value="inbound" leftSection={<IconInbox size={16} />} data-testid="mail-tab-inbound">
            {t('mailAdmin.tabs.inbound')}
          </Tabs.Tab>
          <Tabs.Tab value="channels" leftSection={<IconWebhook size={16} />} data-testid="mail-tab-channels">
            {t('mailAdmin.tabs.channels')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="settings">
          <MailSettingsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="inbound">
          <InboundLog />
        </Tabs.Panel>
        <Tabs.Panel value="channels">
          <InboundChannels />
        </Tabs.Panel>
      </Tabs>
    </PageLayout>
  );
}
