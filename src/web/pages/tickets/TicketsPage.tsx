import { useEffect, useMemo, useRef, useState } from 'react';
import { Anchor, Button, Checkbox, Group, MultiSelect, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { z } from 'zod';
import { SavedView } from '../../../modules/tickets/macros.contract.ts';
import { Ticket, TicketPriority, TicketStatus, TicketType } from '../../../modules/tickets/tickets.contract.ts';
import { page } from '../../../platform/http/pagination.contract.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { PageLayout } from '../../components/PageLayout.tsx';
import { useDirectory } from '../../lib/directory.ts';
import { useFormat } from '../../lib/format.ts';
import { useApiGet, useCursorList } from '../../lib/useApi.ts';
import { SaveViewModal } from './SaveViewModal.tsx';
import { BulkActions } from './BulkActions.tsx';
import { PriorityBadge, StatusBadge } from './labels.tsx';
import { NewTicketModal } from './NewTicketModal.tsx';
import { queueIds, queueQuery, rememberQueue } from './queues.ts';
import { SlaBadge } from './SlaBadge.tsx';

const TicketPage = page(Ticket);
const SavedViews = z.array(SavedView);

export default function TicketsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const { allows } = useAuth();
  const canCreate = allows('tickets.create');
  const canBulk = allows('tickets.update');
  const dir = useDirectory();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') ?? 'mine';
  const [q, setQ] = useState(params.get('q') ?? '');
  const [debouncedQ] = useDebouncedValue(q.trim(), 300);
  const [status, setStatus] = useState<string[]>([]);
  const [type, setType] = useState<string[]>([]);
  const [priority, setPriority] = useState<string[]>([]);
  const [teamId, setTeamId] = useState<string | null>(null);
  const [assignee, setAssignee] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  const [debouncedTag] = useDebouncedValue(tag.trim(), 300);
  const [sort, setSort] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [savingView, setSavingView] = useState(false);
  const views = useApiGet('/views', SavedViews);
  const savedView = view.startsWith('view:') ? views.data?.find((v) => `view:${v.id}` === view) : undefined;
  const searchRef = useRef<HTMLInputElement>(null);
  const [active, setActive] = useState(-1);
  const move = (step: 1 | -1) => setActive((i) => Math.max(0, Math.min(list.items.length - 1, i + step)));
  useHotkeys([
    ['/', () => searchRef.current?.focus(), { preventDefault: true }],
    ['j', () => move(1)],
    ['k', () => move(-1)],
    ['Enter', () => list.items[active] && void navigate(`/tickets/${list.items[active].id}`)],
    ['o', () => list.items[active] && void navigate(`/tickets/${list.items[active].id}`)],
  ]);

  const query = useMemo(() => {
    // a search looks through every ticket, not only the queue; the filters still apply
    const base = debouncedQ ? {} : savedView ? savedView.query : queueQuery(view);
    return {
      ...base,
      ...(status.length ? { status: status.join(',') } : {}),
      ...(type.length ? { type: type.join(',') } : {}),
      ...(priority.length ? { priority: priority.join(',') } : {}),
      ...(teamId ? { teamId } : {}),
      ...(assignee ? { assignee } : {}),
      tag: debouncedTag,
      q: debouncedQ,
      ...(sort ? { sort } : {}),
    };
  }, [view, savedView, status, type, priority, teamId, assignee, debouncedTag, debouncedQ, sort]);
  const list = useCursorList('/tickets', TicketPage, query);
  useEffect(() => setActive(-1), [query]);
  // a selection belongs to the list it was made in
  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => setSelected(new Set()), [query]);
  const pageIds = list.items.map((x) => x.id);
  const allPicked = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const somePicked = pageIds.some((id) => selected.has(id));
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  useEffect(() => rememberQueue(list.items.map((x) => x.id)), [list.items]);

  const teamOptions = dir.teams.map((tm) => ({ value: tm.id, label: tm.name }));
  const userOptions = [
    { value: 'me', label: t('tickets.assigneeMe') },
    { value: 'none', label: t('tickets.unassigned') },
    ...[...dir.users.values()].map((u) => ({ value: u.id, label: u.name })),
  ];
  const filtered = status.length + type.length + priority.length > 0 || !!teamId || !!assignee || !!tag || !!q;
  const clear = () => {
    setStatus([]);
    setType([]);
    setPriority([]);
    setTeamId(null);
    setAssignee(null);
    setTag('');
    setQ('');
    setSort(null);
  };

  const selectColumn: Column<Ticket> = {
    key: 'select',
    width: 40,
    header: (
      <Checkbox
        aria-label={t('ticketBulk.selectPage')}
        checked={allPicked}
        indeterminate={somePicked && !allPicked}
        onChange={() => setSelected(allPicked ? new Set() : new Set(pageIds))}
        data-testid="select-page"
      />
    ),
    render: (tk) => <Checkbox aria-label={t('ticketBulk.selectOne', { number: tk.number })} checked={selected.has(tk.id)} onChange={() => toggle(tk.id)} data-testid="select-row" />,
  };
  const columns: Column<Ticket>[] = [
    ...(canBulk ? [selectColumn] : []),
    {
      key: 'number',
      header: t('tickets.number'),
      width: 150,
      render: (tk) => (
        <Anchor component={Link} to={`/tickets/${tk.id}`} size="sm" ff="monospace" data-testid="ticket-link">
          {tk.number}
        </Anchor>
      ),
    },
    {
      key: 'subject',
      header: t('tickets.subject'),
      render: (tk) => (
        <div>
          <Text size="sm" fw={500} lineClamp={1} data-testid="ticket-row-subject">
            {tk.subject}
          </Text>
          <Text size="xs" c="dimmed">
            {t(`tickets.type.${tk.type}`)} · {t(`tickets.channel.${tk.channel}`)} · {fmt.dateTime(tk.createdAt)}
          </Text>
        </div>
      ),
    },
    { key: 'customer', header: t('tickets.customer'), render: (tk) => <Text size="sm">{tk.customerName ?? '—'}</Text> },
    { key: 'status', header: t('tickets.statusLabel'), render: (tk) => <StatusBadge status={tk.status} /> },
    { key: 'priority', header: t('tickets.priorityLabel'), render: (tk) => <PriorityBadge priority={tk.priority} /> },
    {
      key: 'assignee',
      header: t('tickets.assignee'),
      render: (tk) => (
        <Text size="sm" c={tk.assigneeId ? undefined : 'dimmed'}>
          {tk.assigneeId ? (dir.users.get(tk.assigneeId)?.name ?? '…') : t('tickets.unassigned')}
        </Text>
      ),
    },
    { key: 'sla', header: t('tickets.sla'), width: 150, render: (tk) => <SlaBadge ticket={tk} /> },
  ];

  const queueData = queueIds.map((id) => ({ value: id, label: t(`tickets.queue.${id}`) }));
  const moreQueues = [
    { group: t('tickets.teamQueues'), items: dir.teams.map((tm) => ({ value: `team:${tm.id}`, label: tm.name })) },
    { group: t('tickets.savedViews'), items: (views.data ?? []).map((v) => ({ value: `view:${v.id}`, label: v.name })) },
  ].filter((g) => g.items.length > 0);

  return (
    <PageLayout
      title={t('tickets.title')}
      description={t('tickets.description')}
      testId="tickets-page"
      actions={
        canCreate && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="ticket-create">
            {t('tickets.create')}
          </Button>
        )
      }
    >
      <Group gap="sm" wrap="wrap">
        <SegmentedControl
          data={queueData}
          value={!debouncedQ && queueData.some((x) => x.value === view) ? view : ''}
          onChange={(v) => setParams({ view: v })}
          data-testid="ticket-queues"
        />
        {moreQueues.length > 0 && (
          <Select
            placeholder={t('tickets.teamQueue')}
            data={moreQueues}
            value={view.startsWith('team:') || view.startsWith('view:') ? view : null}
            onChange={(v) => setParams({ view: v ?? 'mine' })}
            clearable
            w={200}
            data-testid="ticket-team-queue"
          />
        )}
      </Group>
      {canBulk && selected.size > 0 && (
        <BulkActions
          selected={list.items.filter((x) => selected.has(x.id))}
          dir={dir}
          onClear={() => setSelected(new Set())}
          onDone={(failed) => {
            setSelected(new Set(failed));
            list.reload();
          }}
        />
      )}
      <DataTable
        list={list}
        columns={columns}
        rowKey={(tk) => tk.id}
        testId="tickets"
        minWidth={960}
        activeRowKey={list.items[active]?.id ?? null}
        emptyTitle={filtered ? t('common.emptyFiltered') : t('tickets.empty')}
        filters={
          <Stack gap="sm">
            <Group gap="sm" wrap="wrap" align="flex-end">
              <TextInput
                ref={searchRef}
                placeholder={t('tickets.searchPlaceholder')}
                leftSection={<IconSearch size={16} />}
                value={q}
                onChange={(e) => setQ(e.currentTarget.value)}
                w={320}
                data-testid="tickets-search"
              />
              <Select
                placeholder={t('tickets.sortLabel')}
                data={[
                  { value: 'sla_due', label: t('tickets.sortSla') },
                  { value: 'created_desc', label: t('tickets.sortCreated') },
                  { value: 'updated_desc', label: t('tickets.sortUpdated') },
                ]}
                value={sort ?? String(queueQuery(view).sort)}
                onChange={setSort}
                w={180}
                data-testid="tickets-sort"
              />
              {debouncedQ && (
                <Text size="xs" c="dimmed" data-testid="tickets-searching-all">
                  {t('tickets.searchingAll')}
                </Text>
              )}
              {filtered && (
                <Button variant="subtle" onClick={clear} data-testid="tickets-clear">
                  {t('common.clearFilters')}
                </Button>
              )}
              {filtered && (
                <Button variant="light" onClick={() => setSavingView(true)} data-testid="tickets-save-view">
                  {t('tickets.saveView')}
                </Button>
              )}
            </Group>
            <Group gap="sm" wrap="wrap">
              <MultiSelect placeholder={t('tickets.statusLabel')} data={TicketStatus.options.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))} value={status} onChange={setStatus} clearable w={220} data-testid="filter-status" />
              <MultiSelect placeholder={t('tickets.typeLabel')} data={TicketType.options.map((s) => ({ value: s, label: t(`tickets.type.${s}`) }))} value={type} onChange={setType} clearable w={220} data-testid="filter-type" />
              <MultiSelect placeholder={t('tickets.priorityLabel')} data={TicketPriority.options.map((s) => ({ value: s, label: t(`tickets.priority.${s}`) }))} value={priority} onChange={setPriority} clearable w={200} data-testid="filter-priority" />
              <Select placeholder={t('tickets.team')} data={teamOptions} value={teamId} onChange={setTeamId} clearable searchable w={180} data-testid="filter-team" />
              <Select placeholder={t('tickets.assignee')} data={userOptions} value={assignee} onChange={setAssignee} clearable searchable w={180} data-testid="filter-assignee" />
              <TextInput placeholder={t('tickets.tag')} value={tag} onChange={(e) => setTag(e.currentTarget.value)} w={140} data-testid="filter-tag" />
            </Group>
          </Stack>
        }
      />
      <SaveViewModal
        opened={savingView}
        onClose={() => setSavingView(false)}
        query={query}
        teams={dir.teams}
        onSaved={(v) => {
          setSavingView(false);
          views.reload();
          clear();
          setParams({ view: `view:${v.id}` });
        }}
      />
      <NewTicketModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(tk) => {
          setCreating(false);
          void navigate(`/tickets/${tk.id}`);
        }}
      />
    </PageLayout>
  );
}
