import { useState, type ReactNode } from 'react';
import { ActionIcon, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconMail, IconId, IconPhone, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConsentChannel, IdentityKind } from '../../../modules/customers/customers.contract.ts';
import type { Customer360 } from '../../../modules/customer360/customer360.contract.ts';
import { api, request, toApiError } from '../../api.ts';
import { notifyError } from '../../components/notify.ts';
import { useFormat } from '../../lib/format.ts';

interface CardProps {
  view: Customer360;
  canWrite: boolean;
  onChanged: () => void;
}

export function Card({ title, children, testId, action }: { title: string; children: ReactNode; testId?: string; action?: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId}>
      <Group justify="space-between" mb="xs">
        <Title order={5}>{title}</Title>
        {action}
      </Group>
      {children}
    </Paper>
  );
}

const icon = { email: <IconMail size={14} />, phone: <IconPhone size={14} />, external: <IconId size={14} /> } as const;

/** Runs a change and reloads the 360; a failure is shown as a notification with the server's message. */
async function act(fn: () => Promise<unknown>, done: () => void) {
  try {
    await fn();
    done();
  } catch (e) {
    notifyError(e);
  }
}

export function IdentitiesCard({ view, canWrite, onChanged }: CardProps) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<string | null>('phone');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const c = view.customer;
  const add = async () => {
    setError(null);
    try {
      await api.post(`/customers/${c.id}/identities`, { kind, value });
      setValue('');
      onChanged();
    } catch (e) {
      const err = toApiError(e);
      setError(err.fieldErrors[0]?.message ?? err.message);
    }
  };
  return (
    <Card title={t('customer360.identities')} testId="customer-identities">
      <Stack gap={6}>
        {c.identities.map((i) => (
          <Group key={`${i.kind}:${i.value}`} gap={6} wrap="nowrap" justify="space-between">
            <Group gap={6} wrap="nowrap">
              {icon[i.kind]}
              <Text size="sm" style={{ wordBreak: 'break-all' }}>
                {i.value}
              </Text>
            </Group>
            {canWrite && (
              <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('customer360.remove')} onClick={() => void act(() => request('DELETE', `/customers/${c.id}/identities`, { query: { kind: i.kind, value: i.value } }), onChanged)}>
                <IconTrash size={14} />
              </ActionIcon>
            )}
          </Group>
        ))}
        {canWrite && (
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <Select data={IdentityKind.options.map((k) => ({ value: k, label: t(`customer360.identityKind_${k}`) }))} value={kind} onChange={setKind} w={110} size="xs" />
            <TextInput size="xs" value={value} onChange={(e) => setValue(e.currentTarget.value)} error={error} placeholder={t('customer360.addIdentity')} style={{ flex: 1 }} />
            <Button size="xs" variant="light" onClick={() => void add()} disabled={!value.trim()}>
              {t('customer360.add')}
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

export function AddressesCard({ view, canWrite, onChanged }: CardProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({ province: '', city: '', district: '', street: '' });
  const [open, setOpen] = useState(false);
  const c = view.customer;
  const save = () =>
    act(
      () => api.post(`/customers/${c.id}/addresses`, { ...draft, district: draft.district || null }),
      () => {
        setOpen(false);
        setDraft({ province: '', city: '', district: '', street: '' });
        onChanged();
      },
    );
  return (
    <Card
      title={t('customer360.addresses')}
      testId="customer-addresses"
      action={
        canWrite && (
          <Button size="xs" variant="subtle" onClick={() => setOpen((o) => !o)}>
            {t('customer360.add')}
          </Button>
        )
      }
    >
      <Stack gap={6}>
        {view.addresses.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('customer360.noAddresses')}
          </Text>
        )}
        {view.addresses.map((a) => (
          <Group key={a.id} justify="space-between" wrap="nowrap" align="flex-start">
            <Text size="sm">
              {[a.province, a.city === a.province ? '' : a.city, a.district, a.street].filter(Boolean).join(' ')}
              {a.isDefault && (
                <Badge size="xs" ml={6} variant="light">
                  {t('customer360.default')}
                </Badge>
              )}
            </Text>
            {canWrite && (
              <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('customer360.remove')} onClick={() => void act(() => api.delete(`/customers/${c.id}/addresses/${a.id}`), onChanged)}>
                <IconTrash size={14} />
              </ActionIcon>
            )}
          </Group>
        ))}
        {open && (
          <Stack gap={6}>
            <SimpleGrid cols={3} spacing={6}>
              <TextInput size="xs" placeholder={t('customer360.province')} value={draft.province} onChange={(e) => setDraft({ ...draft, province: e.currentTarget.value })} />
              <TextInput size="xs" placeholder={t('customer360.city')} value={draft.city} onChange={(e) => setDraft({ ...draft, city: e.currentTarget.value })} />
              <TextInput size="xs" placeholder={t('customer360.district')} value={draft.district} onChange={(e) => setDraft({ ...draft, district: e.currentTarget.value })} />
            </SimpleGrid>
            <TextInput size="xs" placeholder={t('customer360.street')} value={draft.street} onChange={(e) => setDraft({ ...draft, street: e.currentTarget.value })} />
            <Group justify="flex-end">
              <Button size="xs" onClick={() => void save()} disabled={!draft.province || !draft.city || !draft.street}>
                {t('customer360.save')}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

export function ConsentsCard({ view, canWrite, onChanged }: CardProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const byChannel = new Map(view.consents.map((c) => [c.channel, c]));
  return (
    <Card title={t('customer360.consents')} testId="customer-consents">
      <Stack gap={6}>
        {ConsentChannel.options.map((ch) => {
          const c = byChannel.get(ch);
          return (
            <Group key={ch} justify="space-between" wrap="nowrap">
              <div>
                <Text size="sm">{t(`customer360.channel_${ch}`)}</Text>
                <Text size="xs" c="dimmed">
                  {c ? `${c.granted ? t('customer360.consentGranted') : t('customer360.consentWithdrawn')} · ${t('customer360.consentSource', { source: c.source, at: fmt.dateTime(c.changedAt) })}` : t('customer360.consentNone')}
                </Text>
              </div>
              <Switch
                checked={c?.granted ?? false}
                disabled={!canWrite}
                aria-label={t(`customer360.channel_${ch}`)}
                onChange={(e) => void act(() => request('PUT', `/customers/${view.customer.id}/consents`, { body: { channel: ch, granted: e.currentTarget.checked, source: 'agent' } }), onChanged)}
              />
            </Group>
          );
        })}
      </Stack>
    </Card>
  );
}

export function NotesCard({ view, canWrite, onChanged }: CardProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [body, setBody] = useState('');
  return (
    <Card title={t('customer360.notes')} testId="customer-notes">
      <Stack gap="xs">
        {canWrite && (
          <>
            <Textarea value={body} onChange={(e) => setBody(e.currentTarget.value)} placeholder={t('customer360.notePlaceholder')} autosize minRows={2} />
            <Group justify="flex-end">
              <Button size="xs" disabled={!body.trim()} onClick={() => void act(() => api.post(`/customers/${view.customer.id}/notes`, { body }), () => (setBody(''), onChanged()))}>
                {t('customer360.add')}
              </Button>
            </Group>
          </>
        )}
        {view.notes.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('customer360.noNotes')}
          </Text>
        )}
        {view.notes.map((n) => (
          <div key={n.id}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {n.body}
            </Text>
            <Text size="xs" c="dimmed">
              {n.authorName ?? '—'} · {fmt.dateTime(n.createdAt)}
            </Text>
          </div>
        ))}
      </Stack>
    </Card>
  );
}
