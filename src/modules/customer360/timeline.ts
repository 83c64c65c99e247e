import type { CallTask, CampaignMessage } from '../campaigns/campaigns.contract.ts';
import type { Note } from '../customers/customers.contract.ts';
import type { TierHistoryEntry } from '../customers/tiers.contract.ts';
import type { OrderWithItems } from '../orders/orders.contract.ts';
import type { TicketSummary, TimelineItem } from './customer360.contract.ts';

export interface TimelineSources {
  orders: OrderWithItems[];
  tickets: TicketSummary[];
  messages: CampaignMessage[];
  callTasks: CallTask[];
  notes: Note[];
  tierHistory: TierHistoryEntry[];
  changes: { action: string; at: string; actorName: string | null; after: unknown }[];
}

/** Audit actions that are already shown through their own source (notes) or are noise on a timeline. */
const hiddenChanges = new Set(['note_added', 'note_removed', 'tier_changed']);

// in the contract's key order: the 360 page is sent as built (serialize.ts plainResponse)
const item = (i: Partial<TimelineItem> & Pick<TimelineItem, 'at' | 'kind' | 'action' | 'title'>): TimelineItem => ({
  at: i.at,
  kind: i.kind,
  action: i.action,
  title: i.title,
  status: i.status ?? null,
  amountFen: i.amountFen ?? null,
  link: i.link ?? null,
  actorName: i.actorName ?? null,
});

/** One list, newest first, of everything that happened with the customer across the modules. */
export function buildTimeline(s: TimelineSources, limit: number): TimelineItem[] {
  const out: TimelineItem[] = [];
  for (const o of s.orders) {
    out.push(item({ at: o.orderedAt, kind: 'order', action: 'placed', title: `${o.number} · ${o.items.map((i) => i.name).slice(0, 3).join('、')}`, status: o.status, amountFen: o.netFen, link: null }));
  }
  for (const t of s.tickets) {
    const kind = t.type === 'complaint' ? 'complaint' : 'ticket';
    out.push(item({ at: t.createdAt, kind, action: 'created', title: `${t.number} · ${t.subject}`, status: t.status, link: `/tickets/${t.id}` }));
    if (t.resolvedAt) out.push(item({ at: t.resolvedAt, kind, action: 'resolved', title: `${t.number} · ${t.subject}`, status: t.status, link: `/tickets/${t.id}` }));
  }
  for (const m of s.messages) {
    out.push(item({ at: m.sentAt ?? m.createdAt, kind: 'message', action: m.status, title: `${m.campaignName}${m.subject ? ` · ${m.subject}` : ''}`, status: m.channel }));
  }
  for (const c of s.callTasks) {
    out.push(item({ at: c.completedAt ?? c.createdAt, kind: 'call_task', action: c.completedAt ? 'completed' : 'created', title: c.campaignName, status: c.outcome ?? c.status }));
  }
  for (const n of s.notes) out.push(item({ at: n.createdAt, kind: 'note', action: 'added', title: n.body.length > 140 ? `${n.body.slice(0, 140)}…` : n.body, actorName: n.authorName }));
  for (const h of s.tierHistory) out.push(item({ at: h.createdAt, kind: 'tier', action: h.reason, title: `${h.fromTier ?? '—'} → ${h.toTier}` }));
  for (const c of s.changes) {
    if (hiddenChanges.has(c.action)) continue;
    const after = (c.after ?? {}) as Record<string, unknown>;
    const title = c.action === 'consent_changed' ? `${String(after.channel)}: ${after.granted ? '✓' : '✗'}` : c.action === 'merged' ? String(after.mergedName ?? '') : '';
    out.push(item({ at: c.at, kind: 'change', action: c.action, title, actorName: c.actorName }));
  }
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
