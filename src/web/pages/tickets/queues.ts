import type { TicketStatus } from '../../../modules/tickets/tickets.contract.ts';
import { openStatuses } from '../../../modules/tickets/tickets.contract.ts';
import type { Query } from '../../api.ts';
import { safeStorage } from '../../lib/locale.ts';

export type QueueId = 'mine' | 'unassigned' | 'open' | 'pending' | 'resolved' | 'all';
export const queueIds: QueueId[] = ['mine', 'unassigned', 'open', 'pending', 'resolved', 'all'];

const open = openStatuses.join(',');
const byQueue: Record<QueueId, Query> = {
  mine: { status: open, assignee: 'me', sort: 'sla_due' },
  unassigned: { status: open, assignee: 'none', sort: 'sla_due' },
  open: { status: open, sort: 'sla_due' },
  pending: { status: 'pending' satisfies TicketStatus, sort: 'sla_due' },
  resolved: { status: 'resolved,closed', sort: 'updated_desc' },
  all: { sort: 'created_desc' },
};

/** A queue (`mine`, …, or `team:<id>`) as list query defaults; the filters the agent sets win. */
export function queueQuery(view: string): Query {
  if (view.startsWith('team:')) return { status: open, teamId: view.slice(5), sort: 'sla_due' };
  return byQueue[(queueIds as string[]).includes(view) ? (view as QueueId) : 'mine'];
}

const QUEUE_KEY = 'aftersales.ticket-queue';

/** The order of the queue the agent last looked at, for j / k on the ticket page. */
export function rememberQueue(ids: string[]): void {
  safeStorage.set(QUEUE_KEY, JSON.stringify(ids.slice(0, 500)));
}

export function neighbourInQueue(id: string, step: 1 | -1): string | null {
  try {
    const ids = JSON.parse(safeStorage.get(QUEUE_KEY) ?? '[]') as unknown;
    if (!Array.isArray(ids)) return null;
    const i = ids.indexOf(id);
    const next: unknown = i < 0 ? undefined : ids[i + step];
    return typeof next === 'string' ? next : null;
  } catch {
    return null;
  }
}
