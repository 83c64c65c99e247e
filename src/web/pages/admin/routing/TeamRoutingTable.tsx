import { useEffect, useState } from 'react';
import { Select, Switch, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { RoutingMode, TeamRouting } from '../../../../modules/tickets/routing.contract.ts';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { Team } from '../../../../platform/teams/teams.contract.ts';
import { api, request, toApiError } from '../../../api.ts';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { useApiGet } from '../../../lib/useApi.ts';

const Teams = page(Team);
const NONE = '__none';
type Patch = { mode?: RoutingMode; escalationTeamId?: string | null; escalateOnBreach?: boolean };

/** One row per team; every change is saved at once (PUT with the version read). */
export function TeamRoutingTable() {
  const { t } = useTranslation();
  const teams = useApiGet('/teams', Teams, { limit: 200 });
  const [routing, setRouting] = useState<Map<string, TeamRouting>>(new Map());
  const [busy, setBusy] = useState<string | null>(null);
  const items = teams.data?.items ?? [];
  const ids = items.map((tm) => tm.id).join(',');

  useEffect(() => {
    if (!ids) return;
    let live = true;
    void Promise.all(ids.split(',').map((id) => api.get(`/teams/${id}/routing`, TeamRouting)))
      .then((rs) => live && setRouting(new Map(rs.map((r) => [r.teamId, r]))))
      .catch(notifyError);
    return () => {
      live = false;
    };
  }, [ids]);

  const save = async (team: Team, patch: Patch) => {
    const current = routing.get(team.id);
    if (!current) return;
    setBusy(team.id);
    try {
      const saved = await request('PUT', `/teams/${team.id}/routing`, { body: { version: current.version, ...patch }, schema: TeamRouting });
      setRouting((m) => new Map(m).set(team.id, saved));
      notifySuccess(t('ticketConfig.routing.saved', { name: team.name }));
    } catch (e) {
      notifyError(e);
      // someone else changed it: show what is stored now
      if (toApiError(e).isVersionConflict) {
        const fresh = await api.get(`/teams/${team.id}/routing`, TeamRouting).catch(() => null);
        if (fresh) setRouting((m) => new Map(m).set(team.id, fresh));
      }
    } finally {
      setBusy(null);
    }
  };

  const columns: Column<Team>[] = [
    {
      key: 'team',
      header: t('ticketConfig.routing.team'),
      render: (tm) => (
        <div>
          <Text size="sm" fw={500}>
            {tm.name}
          </Text>
          <Text size="xs" c="dimmed">
            {t('teams.memberCount', { count: tm.members.length })}
          </Text>
        </div>
      ),
    },
    {
      key: 'mode',
      header: t('ticketConfig.routing.mode'),
      width: 320,
      render: (tm) => {
        const r = routing.get(tm.id);
        return (
          <div>
            <Select
              size="xs"
              data={RoutingMode.options.map((m) => ({ value: m, label: t(`ticketConfig.routing.mode_.${m}`) }))}
              value={r?.mode ?? null}
              allowDeselect={false}
              disabled={!r || busy === tm.id}
              onChange={(m) => m && m !== r?.mode && void save(tm, { mode: m as RoutingMode })}
              aria-label={t('ticketConfig.routing.mode')}
              data-testid={`routing-mode-${tm.id}`}
            />
            {r && (
              <Text size="xs" c="dimmed" mt={4}>
                {t(`ticketConfig.routing.modeHint.${r.mode}`)}
              </Text>
            )}
          </div>
        );
      },
    },
    {
      key: 'escalation',
      header: t('ticketConfig.routing.escalationTeam'),
      width: 240,
      render: (tm) => {
        const r = routing.get(tm.id);
        return (
          <Select
            size="xs"
            data={[{ value: NONE, label: t('ticketConfig.routing.noEscalation') }, ...items.filter((o) => o.id !== tm.id).map((o) => ({ value: o.id, label: o.name }))]}
            value={r?.escalationTeamId ?? NONE}
            allowDeselect={false}
            disabled={!r || busy === tm.id}
            onChange={(v) => {
              const next = !v || v === NONE ? null : v;
              if (next !== (r?.escalationTeamId ?? null)) void save(tm, { escalationTeamId: next });
            }}
            aria-label={t('ticketConfig.routing.escalationTeam')}
            data-testid={`routing-escalation-${tm.id}`}
          />
        );
      },
    },
    {
      key: 'breach',
      header: t('ticketConfig.routing.escalateOnBreach'),
      width: 160,
      render: (tm) => {
        const r = routing.get(tm.id);
        return (
          <Switch
            checked={r?.escalateOnBreach ?? false}
            disabled={!r || busy === tm.id}
            onChange={(e) => void save(tm, { escalateOnBreach: e.currentTarget.checked })}
            aria-label={t('ticketConfig.routing.escalateOnBreach')}
            data-testid={`routing-breach-${tm.id}`}
          />
        );
      },
    },
  ];

  const list = { items, loading: teams.loading && !teams.data, loadingMore: false, error: teams.error, hasMore: false, loadMore: () => undefined, reload: teams.reload };
  return <DataTable list={list} columns={columns} rowKey={(tm) => tm.id} testId="team-routing" emptyTitle={t('ticketConfig.routing.noTeams')} />;
}
