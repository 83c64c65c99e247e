import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowMerge, IconEdit, IconInfoCircle, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { Customer360 } from '../../../modules/customer360/customer360.contract.ts';
import { api } from '../../api.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { useConfirm } from '../../components/confirm.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { LoadingState } from '../../components/States.tsx';
import { useFormat } from '../../lib/format.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { useTiers } from '../tiers/useTiers.ts';
import { TierBadge } from './TierBadge.tsx';
import { AddressesCard, ConsentsCard, IdentitiesCard, NotesCard } from './CustomerContactCards.tsx';
import { CallTasksCard, MessagesCard, PurchasesCard, TicketsCard, TierCard, TimelineCard } from './CustomerActivityCards.tsx';
import { EditProfileModal } from './EditProfileModal.tsx';
import { MergeModal } from './MergeModal.tsx';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ta="right" component="div">
        {children}
      </Text>
    </Group>
  );
}

export default function CustomerPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const location = useLocation();
  const auth = useAuth();
  const confirm = useConfirm();
  const tiers = useTiers();
  const view = useApiGet(`/customers/${id}/360`, Customer360);
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  const v = view.data;
  const redirectedFrom = (location.state as { redirectedFrom?: string } | null)?.redirectedFrom;

  // an old (merged) id shows the survivor under its own address
  useEffect(() => {
    if (v?.redirectedFrom && v.customer.id !== id) void navigate(`/customers/${v.customer.id}`, { replace: true, state: { redirectedFrom: v.redirectedFrom } });
  }, [v, id, navigate]);

  if (view.error) return <ErrorAlert error={view.error} onRetry={view.reload} />;
  if (!v) return <LoadingState minHeight={320} />;
  const c = v.customer;
  const canWrite = auth.allows('customers.write');
  const remove = async () => {
    if (!(await confirm({ title: t('customer360.delete'), message: t('customer360.deleteConfirm'), danger: true }))) return;
    try {
      await api.delete(`/customers/${c.id}`, { version: c.version });
      notifySuccess(t('customer360.deleted'));
      void navigate('/customers');
    } catch (e) {
      notifyError(e);
    }
  };
  const gender = { male: t('customer360.genderMale'), female: t('customer360.genderFemale'), unknown: t('customer360.genderUnknown') }[c.gender];

  return (
    <Stack gap="md" data-testid="customer-360">
      {redirectedFrom && (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} data-testid="customer-redirected">
          {t('customer360.redirected')}
        </Alert>
      )}
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Title order={2} data-testid="customer-360-name">
              {c.name}
            </Title>
            <TierBadge tier={c.tier} tiers={tiers} />
            <Badge variant="outline" tt="none">
              {c.kind === 'company' ? t('customer360.kindCompany') : t('customer360.kindIndividual')}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {t('customer360.since', { date: fmt.date(c.createdAt) })}
          </Text>
        </div>
        <Group gap="xs">
          {canWrite && (
            <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)} data-testid="customer-edit">
              {t('customer360.edit')}
            </Button>
          )}
          {auth.allows('customers.merge') && (
            <Button variant="default" leftSection={<IconArrowMerge size={16} />} onClick={() => setMerging(true)} data-testid="customer-merge">
              {t('customer360.merge')}
            </Button>
          )}
          {canWrite && (
            <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => void remove()}>
              {t('customer360.delete')}
            </Button>
          )}
        </Group>
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            <Paper withBorder p="md" radius="md" data-testid="customer-profile">
              <Title order={5} mb="xs">
                {t('customer360.profile')}
              </Title>
              <Stack gap={6}>
                {c.kind === 'individual' && <Field label={t('customer360.gender')}>{gender}</Field>}
                {c.kind === 'individual' && <Field label={t('customer360.birthday')}>{c.birthday ?? '—'}</Field>}
                <Field label={t('customer360.language')}>{c.language}</Field>
                <Field label={t('customer360.owner')}>{v.owner?.name ?? '—'}</Field>
                <Field label={t('customer360.company')}>
                  {v.company ? (
                    <Anchor component={Link} to={`/customers/${v.company.id}`} size="sm">
                      {v.company.name}
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Field>
                <Field label={t('customer360.tags')}>
                  <Group gap={4} justify="flex-end">
                    {c.tags.length
                      ? c.tags.map((x) => (
                          <Badge key={x} size="xs" variant="outline" tt="none">
                            {x}
                          </Badge>
                        ))
                      : '—'}
                  </Group>
                </Field>
                <Field label={t('customer360.source')}>{c.source}</Field>
                {Object.entries(c.preferences).map(([k, val]) => (
                  <Field key={k} label={k}>
                    {Array.isArray(val) ? val.join('、') : String(val)}
                  </Field>
                ))}
              </Stack>
              {v.contacts.length > 0 && (
                <>
                  <Text size="xs" fw={600} c="dimmed" tt="uppercase" mt="sm">
                    {t('customer360.contacts')}
                  </Text>
                  {v.contacts.map((x) => (
                    <Anchor key={x.id} component={Link} to={`/customers/${x.id}`} size="sm" display="block">
                      {x.name}
                    </Anchor>
                  ))}
                </>
              )}
              {v.mergedFrom.length > 0 && (
                <Text size="xs" c="dimmed" mt="sm" data-testid="customer-merged-from">
                  {t('customer360.mergedFrom')}: {v.mergedFrom.map((m) => m.name).join('、')}
                </Text>
              )}
            </Paper>
            <IdentitiesCard view={v} canWrite={canWrite} onChanged={view.reload} />
            <AddressesCard view={v} canWrite={canWrite} onChanged={view.reload} />
            <ConsentsCard view={v} canWrite={canWrite} onChanged={view.reload} />
            <NotesCard view={v} canWrite={canWrite} onChanged={view.reload} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <TierCard view={v} tiers={tiers} />
            <PurchasesCard view={v} />
            <TicketsCard view={v} />
            <MessagesCard view={v} />
            <CallTasksCard view={v} />
            <TimelineCard view={v} />
          </Stack>
        </Grid.Col>
      </Grid>
      <EditProfileModal customer={editing ? c : null} owner={v.owner ? { id: v.owner.id, name: v.owner.name, email: '' } : null} onClose={() => setEditing(false)} onSaved={() => (setEditing(false), view.reload())} />
      <MergeModal survivor={merging ? c : null} onClose={() => setMerging(false)} onMerged={() => (setMerging(false), view.reload())} />
    </Stack>
  );
}
