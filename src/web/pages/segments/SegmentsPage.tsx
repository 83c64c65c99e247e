import { useEffect, useState } from 'react';
import { Anchor, Badge, Button, Card, Grid, Group, Loader, NavLink, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconTrash, IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { Segment, SegmentCount, SegmentMembersPage, type SegmentFilter } from '../../../modules/customers/segments.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { useConfirm } from '../../components/confirm.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { PageLayout } from '../../components/PageLayout.tsx';
import { useAuth } from '../../auth/AuthContext.tsx';
import { useApiGet } from '../../lib/useApi.ts';
import { useFormat } from '../../lib/format.ts';
import { useTiers } from '../tiers/useTiers.ts';
import { emptyFilter, SegmentFilterForm } from './SegmentFilterForm.tsx';

const Segments = z.array(Segment);

/** Segments: saved customer filters with a live count, shared or personal; campaign audiences and exports. */
export default function SegmentsPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const confirm = useConfirm();
  const auth = useAuth();
  const tiers = useTiers();
  const canWrite = auth.allows('customers.write');
  const list = useApiGet('/segments', Segments);
  const [current, setCurrent] = useState<Segment | null>(null);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [filter, setFilter] = useState<SegmentFilter>(emptyFilter);
  const [count, setCount] = useState<number | null>(null);
  const [counting, setCounting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [debounced] = useDebouncedValue(filter, 400);
  const filterKey = JSON.stringify(debounced);
  const members = useApiGet(current ? `/segments/${current.id}/customers` : null, SegmentMembersPage, { limit: 20, v: current?.version });
  const nf = new Intl.NumberFormat(i18n.language);

  // live count of the filter being built, debounced so typing does not send a request per key
  useEffect(() => {
    let cancelled = false;
    setCounting(true);
    api
      .post('/segments/count', { filter: JSON.parse(filterKey) as SegmentFilter }, SegmentCount)
      .then((r) => !cancelled && setCount(r.count))
      .catch((e: unknown) => !cancelled && setError(toApiError(e)))
      .finally(() => !cancelled && setCounting(false));
    return () => {
      cancelled = true;
    };
  }, [filterKey]);

  const open = (s: Segment | null) => {
    setCurrent(s);
    setName(s?.name ?? '');
    setShared(s?.shared ?? false);
    setFilter(s?.filter ?? emptyFilter);
    setError(null);
  };
  const mayEdit = !current || current.ownerId === auth.me?.id || auth.allows('customers.merge');

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = current
        ? await api.patch(`/segments/${current.id}`, { version: current.version, name: name.trim(), shared, filter }, Segment)
        : await api.create('/segments', { name: name.trim(), shared, filter }, Segment);
      notifySuccess(t('segments.saved', { name: saved.name }));
      open(saved);
      list.reload();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (!current) return;
    const ok = await confirm({ title: t('segments.deleteTitle'), message: t('segments.deleteText', { name: current.name }), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await api.delete(`/segments/${current.id}`, { version: current.version });
      open(null);
      list.reload();
    } catch (e) {
      notifyError(e);
    }
  };

  return (
    <PageLayout title={t('segments.title')} description={t('segments.description')} testId="segments-page">
      <Grid>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Card withBorder radius="md" p="xs">
            <NavLink label={t('segments.new')} leftSection={<IconPlus size={16} />} active={!current} onClick={() => open(null)} data-testid="segment-new" />
            {(list.data ?? []).map((s) => (
              <NavLink
                key={s.id}
                label={s.name}
                description={!s.shared ? t('segments.personal') : s.ownerName ? t('segments.sharedBy', { name: s.ownerName }) : t('segments.shared')}
                leftSection={<IconUsers size={16} />}
                active={current?.id === s.id}
                onClick={() => open(s)}
                data-testid="segment-item"
              />
            ))}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          <Stack gap="md">
            <ErrorAlert error={list.error ?? error} onRetry={error?.isVersionConflict ? list.reload : undefined} />
            <Card withBorder radius="md" p="md">
              <Group justify="space-between" mb="md">
                <Group gap="xs">
                  <Text size="sm" c="dimmed">
                    {t('segments.matching')}
                  </Text>
                  <Title order={3} data-testid="segment-count">
                    {count === null ? '—' : nf.format(count)}
                  </Title>
                  {counting && <Loader size="xs" />}
                </Group>
                {current && <ExportButton path={`/segments/${current.id}/export`} />}
              </Group>
              <SegmentFilterForm value={filter} onChange={setFilter} />
            </Card>
            {canWrite && (
              <Card withBorder radius="md" p="md">
                <Group align="flex-end">
                  <TextInput label={t('segments.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} style={{ flex: 1 }} error={error?.fieldErrors.find((f) => f.path === 'name')?.message} data-testid="segment-name" disabled={!mayEdit} />
                  <Switch label={t('segments.shared')} checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} mb={8} disabled={!mayEdit} />
                  <Button onClick={save} loading={saving} disabled={!name.trim() || !mayEdit} data-testid="segment-save">
                    {current ? t('common.save') : t('segments.saveNew')}
                  </Button>
                  {current && mayEdit && (
                    <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={remove}>
                      {t('common.delete')}
                    </Button>
                  )}
                </Group>
              </Card>
            )}
            {current && (
              <Card withBorder radius="md" p="md">
                <Text fw={600} mb="xs">
                  {t('segments.members')}
                </Text>
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('segments.customer')}</Table.Th>
                      <Table.Th>{t('segments.tier')}</Table.Th>
                      <Table.Th>{t('segments.orders')}</Table.Th>
                      <Table.Th>{t('segments.lastPurchase')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {(members.data?.items ?? []).map((m) => (
                      <Table.Tr key={m.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/customers/${m.id}`} size="sm">
                            {m.name}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" tt="none" size="sm">
                            {tiers.name(m.tier)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{m.ordersCount}</Table.Td>
                        <Table.Td>{fmt.date(m.lastOrderAt)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {members.data?.nextAfterId && (
                  <Text size="xs" c="dimmed" mt="xs">
                    {t('segments.firstOnly', { n: 20 })}
                  </Text>
                )}
              </Card>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
    </PageLayout>
  );
}
