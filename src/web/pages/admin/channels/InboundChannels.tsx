import { useMemo, useState } from 'react';
import { Badge, Button, Card, Code, Group, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { InboundChannel, InboundChannelCreated, InboundKind, InboundMessage } from '../../../../modules/channels/intake.contract.ts';
import { api } from '../../../api.ts';
import { useAuth } from '../../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { SecretModal } from '../../../components/SecretModal.tsx';
import { EmptyState, LoadingState } from '../../../components/States.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useApiGet } from '../../../lib/useApi.ts';

const Channels = z.array(InboundChannel);
type Channel = z.infer<typeof InboundChannel>;

/** An example body that passes InboundMessage: what a gateway integrator copies first. */
const example: InboundMessage = { messageId: 'wx-20260101-0001', from: { externalId: 'o6_openid_123', name: '王女士', phone: '13800000000' }, text: '热水器不出热水，请安排上门。', type: 'repair' };

/** Web form and signed webhook endpoints: create (secret shown once), switch on/off, and the documented payload. */
export function InboundChannels() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { me } = useAuth();
  const list = useApiGet('/inbound-channels', Channels);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  const schema = useMemo(() => JSON.stringify(z.toJSONSchema(InboundMessage), null, 2), []);

  const toggle = async (c: Channel, active: boolean) => {
    setBusy(c.id);
    try {
      await api.patch(`/inbound-channels/${c.id}`, { active }, InboundChannel);
      notifySuccess(active ? t('mailAdmin.activated') : t('mailAdmin.deactivated'));
      list.reload();
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack gap="lg">
      <Text size="sm" c="dimmed" data-testid="web-form-url">
        {t('mailAdmin.channelsHint', { form: `${origin}/api/v1/public/forms/${me?.tenantSlug ?? '…'}/tickets` })}
      </Text>
      <CreateChannel
        onCreated={(c) => {
          setSecret({ name: c.channel.name, secret: c.secret });
          notifySuccess(t('mailAdmin.channelCreated', { name: c.channel.name }));
          list.reload();
        }}
      />
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      {!list.data && !list.error && <LoadingState />}
      {list.data && list.data.length === 0 && <EmptyState title={t('mailAdmin.noChannels')} />}
      {list.data && list.data.length > 0 && (
        <Card withBorder radius="md" p={0}>
          <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="inbound-channels">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('mailAdmin.channelName')}</Table.Th>
                <Table.Th>{t('mailAdmin.channelKind')}</Table.Th>
                <Table.Th>{t('mailAdmin.url')}</Table.Th>
                <Table.Th>{t('mailAdmin.col.created')}</Table.Th>
                <Table.Th>{t('mailAdmin.active')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((c) => (
                <Table.Tr key={c.id} data-testid="inbound-channel-row">
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {c.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none">
                      {t(`mailAdmin.channelKinds.${c.kind}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Code fz="xs">POST {origin + c.url}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{fmt.dateTime(c.createdAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Switch checked={c.active} disabled={busy === c.id} onChange={(e) => void toggle(c, e.currentTarget.checked)} aria-label={t('mailAdmin.active')} data-testid="inbound-channel-active" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      <Card withBorder radius="md" p="lg">
        <Title order={4} mb="xs">
          {t('mailAdmin.payloadTitle')}
        </Title>
        <Text size="sm" mb="xs">
          {t('mailAdmin.payloadText')}
        </Text>
        <Code block fz="xs" data-testid="inbound-payload-example">
          {JSON.stringify(example, null, 2)}
        </Code>
        <Code block fz="xs" mt="sm" mah={320} style={{ overflow: 'auto' }}>
          {schema}
        </Code>
      </Card>
      <SecretModal secret={secret?.secret ?? null} title={t('mailAdmin.secretTitle', { name: secret?.name ?? '' })} description={t('mailAdmin.secretText')} onClose={() => setSecret(null)} />
    </Stack>
  );
}

function CreateChannel({ onCreated }: { onCreated: (c: z.infer<typeof InboundChannelCreated>) => void }) {
  const { t } = useTranslation();
  const [key, renewKey] = useIdempotencyKey();
  const form = useForm({ mode: 'controlled', initialValues: { key: '', kind: 'wechat' as string, name: '' } });
  const { submit, submitting, error } = useSubmit(form, async (v: typeof form.values) => {
    try {
      const created = await api.create('/inbound-channels', { key: v.key.trim(), kind: InboundKind.parse(v.kind), name: v.name.trim() }, InboundChannelCreated, key);
      form.reset();
      onCreated(created);
    } finally {
      renewKey();
    }
  });
  return (
    <Card withBorder radius="md" p="lg">
      <form onSubmit={form.onSubmit(submit)} noValidate data-testid="inbound-channel-form">
        <Title order={5} mb="sm">
          {t('mailAdmin.newChannel')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('mailAdmin.channelName')} required data-testid="inbound-channel-name" {...form.getInputProps('name')} />
          <TextInput label={t('mailAdmin.channelKey')} required placeholder="wechat-oa" data-testid="inbound-channel-key" {...form.getInputProps('key')} />
          <Select label={t('mailAdmin.channelKind')} data={InboundKind.options.map((k) => ({ value: k, label: t(`mailAdmin.channelKinds.${k}`) }))} allowDeselect={false} {...form.getInputProps('kind')} />
        </SimpleGrid>
        <ErrorAlert error={error} />
        <Group mt="md">
          <Button type="submit" leftSection={<IconPlus size={16} />} loading={submitting} data-testid="inbound-channel-create">
            {t('mailAdmin.create')}
          </Button>
        </Group>
      </form>
    </Card>
  );
}
