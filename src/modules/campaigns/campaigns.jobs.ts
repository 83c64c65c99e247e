import { registerJob } from '../../platform/jobs/index.ts';
import { subscribe } from '../../platform/outbox/dispatch.ts';
import { registerEventTypes } from '../../platform/outbox/event-types.ts';
import { DAILY_JOB } from './settings.service.ts';
import { FANOUT_JOB } from './campaigns.service.ts';
import { runDaily, runFanout, type FanoutPayload } from './fanout.ts';
import { SEND_JOB, sendMessageJob } from './send.service.ts';
import { createFollowups } from './followups.service.ts';
import { clickedMessages } from './messages.read.ts';
import { registerEngagementSource } from '../customers/index.ts';

registerEventTypes(
  'campaign.created', 'campaign.updated', 'campaign.started', 'campaign.paused',
  'campaign_template.created', 'campaign_template.updated', 'campaign_settings.updated',
  'call_task.created', 'call_task.assigned', 'call_task.attempted', 'call_task.completed',
);

/** Clicks on care messages count towards the customer's tier engagement (when the tenant chooses them). */
registerEngagementSource('campaign_clicks', clickedMessages);

/** The tenant's daily run (birthdays, holidays, maintenance reminders), at the occurrence's local date. */
registerJob(DAILY_JOB, async (job) => void (await runDaily(job.db, job.tenantId, job.runAt)));
registerJob<FanoutPayload>(FANOUT_JOB, async (job) => void (await runFanout(job.db, job.tenantId, job.payload)));
registerJob<{ messageId: string }>(SEND_JOB, sendMessageJob, { maxAttempts: 5 });

interface OrderEvent {
  orderId?: string;
  customerId?: string;
  /** the sale date, if the producer includes it (ISO); otherwise the follow-up reads the order */
  soldAt?: string;
}

const dateOrNull = (v: unknown) => {
  const d = typeof v === 'string' ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};

/** Follow-up call after a purchase: `order.created` from the orders module carries { orderId, customerId }. */
subscribe(
  'order.created',
  async (e, job) => {
    const p = e.payload as OrderEvent;
    if (!p.orderId || !p.customerId) return;
    await createFollowups(job.db, e.tenantId, 'followup_purchase', { sourceType: 'order', sourceId: p.orderId, customerId: p.customerId, at: e.createdAt, soldAt: dateOrNull(p.soldAt), vars: {} });
  },
  { name: 'campaigns.followup_purchase' },
);

interface TicketEvent {
  id?: string;
  number?: string;
  type?: string;
  status?: string;
  customerId?: string | null;
}

/** Follow-up call after a repair: a repair ticket that became resolved or closed (the event carries the ticket). */
subscribe(
  'ticket.updated',
  async (e, job) => {
    const t = e.payload as TicketEvent;
    if (t.type !== 'repair' || !t.customerId || !t.id || (t.status !== 'resolved' && t.status !== 'closed')) return;
    await createFollowups(job.db, e.tenantId, 'followup_repair', { sourceType: 'ticket', sourceId: t.id, customerId: t.customerId, at: e.createdAt, vars: { ticketNumber: t.number ?? '' } });
  },
  { name: 'campaigns.followup_repair' },
);
