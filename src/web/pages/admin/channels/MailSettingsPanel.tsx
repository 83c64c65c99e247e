import { useState } from 'react';
import { Badge, Button, Card, Group, NumberInput, PasswordInput, Radio, SimpleGrid, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconLock, IconLockOpen, IconShieldCheck, IconShieldOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { autoReplyPlaceholders, MailSettings, type UpdateMailSettings } from '../../../../modules/channels/channels.contract.ts';
import { api } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useSubmit } from '../../../components/forms.ts';
import { notifySuccess } from '../../../components/notify.ts';
import { LoadingState } from '../../../components/States.tsx';
import { useApiGet } from '../../../lib/useApi.ts';

export function MailSettingsPanel() {
  const settings = useApiGet('/mail/settings', MailSettings);
  if (settings.error) return <ErrorAlert error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <LoadingState />;
  return <MailSettingsForm key={settings.data.version} settings={settings.data} onSaved={settings.setData} />;
}

function valuesOf(s: MailSettings) {
  return {
    fromAddress: s.fromAddress,
    fromName: s.fromName,
    addresses: s.addresses,
    autoReply: s.autoReply,
    autoReplySubject: s.autoReplySubject ?? '',
    autoReplyBody: s.autoReplyBody ?? '',
    dmarcPolicy: s.dmarcPolicy as string,
    imapEnabled: s.imap.enabled,
    imapHost: s.imap.host ?? '',
    imapPort: s.imap.port as number | string,
    imapTls: s.imap.tls,
    imapUser: s.imap.user ?? '',
    imapPassword: '',
    imapFolder: s.imap.folder,
    imapIntervalMinutes: s.imap.intervalMinutes as number | string,
  };
}

function MailSettingsForm({ settings, onSaved }: { settings: MailSettings; onSaved: (s: MailSettings) => void }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(settings.version);
  const form = useForm({ mode: 'controlled', initialValues: valuesOf(settings) });
  // errors on nested paths (imap.host) are not form fields: they show in the alert above the button
  const { submit, submitting, error } = useSubmit(
    form,
    async (v: ReturnType<typeof valuesOf>) => {
      const body: UpdateMailSettings = {
        version,
        fromAddress: v.fromAddress.trim(),
        fromName: v.fromName.trim(),
        addresses: v.addresses,
        autoReply: v.autoReply,
        autoReplySubject: v.autoReplySubject.trim() || null,
        autoReplyBody: v.autoReplyBody.trim() || null,
        dmarcPolicy: v.dmarcPolicy === 'reject' ? 'reject' : 'accept',
        imap: {
          enabled: v.imapEnabled,
          host: v.imapHost.trim() || null,
          port: Number(v.imapPort) || 993,
          tls: v.imapTls,
          user: v.imapUser.trim() || null,
          folder: v.imapFolder.trim() || 'INBOX',
          intervalMinutes: Number(v.imapIntervalMinutes) || 5,
          // an empty field keeps the stored password
          ...(v.imapPassword ? { password: v.imapPassword } : {}),
        },
      };
      const saved = await api.patch('/mail/settings', body, MailSettings);
      setVersion(saved.version);
      notifySuccess(t('mailAdmin.saved'));
      onSaved(saved);
    },
  );
  const placeholders = autoReplyPlaceholders.map((p) => `{{${p}}}`).join(' ');

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate data-testid="mail-settings-form">
      <Stack gap="lg" maw={760}>
        <Card withBorder radius="md" p="lg">
          <Title order={4} mb="sm">
            {t('mailAdmin.sender')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('mailAdmin.fromAddress')} type="email" required data-testid="mail-from-address" {...form.getInputProps('fromAddress')} />
            <TextInput label={t('mailAdmin.fromName')} data-testid="mail-from-name" {...form.getInputProps('fromName')} />
          </SimpleGrid>
          <TagsInput
            mt="md"
            label={t('mailAdmin.addresses')}
            description={t('mailAdmin.addressesHint', { address: settings.defaultAddress })}
            placeholder={t('mailAdmin.addressPlaceholder')}
            clearable
            data-testid="mail-addresses"
            {...form.getInputProps('addresses')}
          />
        </Card>

        <Card withBorder radius="md" p="lg">
          <Switch label={t('mailAdmin.autoReply')} data-testid="mail-auto-reply" {...form.getInputProps('autoReply', { type: 'checkbox' })} />
          <Text size="xs" c="dimmed" mt="md">
            {t('mailAdmin.templateHint', { placeholders })}
          </Text>
          <TextInput mt="xs" label={t('mailAdmin.autoReplySubject')} placeholder={settings.defaultAutoReply.subject} disabled={!form.values.autoReply} data-testid="mail-auto-reply-subject" {...form.getInputProps('autoReplySubject')} />
          <Textarea mt="sm" label={t('mailAdmin.autoReplyBody')} placeholder={settings.defaultAutoReply.body} autosize minRows={5} maxRows={14} disabled={!form.values.autoReply} data-testid="mail-auto-reply-body" {...form.getInputProps('autoReplyBody')} />
          {(form.values.autoReplySubject || form.values.autoReplyBody) && (
            <Button
              mt="xs"
              size="xs"
              variant="subtle"
              onClick={() => form.setValues({ autoReplySubject: '', autoReplyBody: '' })}
              data-testid="mail-auto-reply-default"
            >
              {t('mailAdmin.useDefault')}
            </Button>
          )}
        </Card>

        <Card withBorder radius="md" p="lg">
          <Title order={4} mb="sm">
            {t('mailAdmin.incoming')}
          </Title>
          <Group gap="xs" mb="md">
            <Badge variant="light" color={settings.incoming.starttls ? 'teal' : 'gray'} leftSection={settings.incoming.starttls ? <IconLock size={12} /> : <IconLockOpen size={12} />} tt="none">
              {settings.incoming.starttls ? t('mailAdmin.starttlsOn') : t('mailAdmin.starttlsOff')}
            </Badge>
            <Badge variant="light" color={settings.incoming.authChecks ? 'teal' : 'gray'} leftSection={settings.incoming.authChecks ? <IconShieldCheck size={12} /> : <IconShieldOff size={12} />} tt="none">
              {settings.incoming.authChecks ? t('mailAdmin.authOn') : t('mailAdmin.authOff')}
            </Badge>
          </Group>
          <Radio.Group label={t('mailAdmin.dmarcPolicy')} data-testid="mail-dmarc-policy" {...form.getInputProps('dmarcPolicy')}>
            <Stack gap={6} mt={6}>
              <Radio value="accept" label={t('mailAdmin.dmarc.accept')} data-testid="mail-dmarc-accept" />
              <Radio value="reject" label={t('mailAdmin.dmarc.reject')} data-testid="mail-dmarc-reject" />
            </Stack>
          </Radio.Group>
        </Card>

        <Card withBorder radius="md" p="lg">
          <Title order={4} mb="sm">
            {t('mailAdmin.outgoing')}
          </Title>
          <Text size="sm" data-testid="mail-outgoing">
            {settings.outgoing.transport === 'smtp' ? t('mailAdmin.outgoingSmtp', { relay: settings.outgoing.relay ?? '' }) : t('mailAdmin.outgoingLocal')}
          </Text>
          <Text size="xs" c="dimmed" mt={4}>
            {t('mailAdmin.outgoingHint')}
          </Text>
        </Card>

        <Card withBorder radius="md" p="lg">
          <Title order={4} mb="sm">
            {t('mailAdmin.imap')}
          </Title>
          <Switch label={t('mailAdmin.imapEnabled')} data-testid="mail-imap-enabled" {...form.getInputProps('imapEnabled', { type: 'checkbox' })} />
          {form.values.imapEnabled && (
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="md">
              <TextInput label={t('mailAdmin.imapHost')} required data-testid="mail-imap-host" {...form.getInputProps('imapHost')} />
              <Group grow>
                <NumberInput label={t('mailAdmin.imapPort')} min={1} max={65535} {...form.getInputProps('imapPort')} />
                <Switch mt="lg" label={t('mailAdmin.imapTls')} {...form.getInputProps('imapTls', { type: 'checkbox' })} />
              </Group>
              <TextInput label={t('mailAdmin.imapUser')} required autoComplete="off" data-testid="mail-imap-user" {...form.getInputProps('imapUser')} />
              <PasswordInput
                label={t('mailAdmin.imapPassword')}
                description={settings.imap.passwordSet ? t('mailAdmin.imapPasswordSet') : undefined}
                autoComplete="new-password"
                {...form.getInputProps('imapPassword')}
              />
              <TextInput label={t('mailAdmin.imapFolder')} {...form.getInputProps('imapFolder')} />
              <NumberInput label={t('mailAdmin.imapInterval')} min={1} max={1440} {...form.getInputProps('imapIntervalMinutes')} />
            </SimpleGrid>
          )}
        </Card>

        <ErrorAlert error={error} />
        <Group>
          <Button type="submit" loading={submitting} data-testid="mail-settings-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
