// Every job handler and event subscriber of the product, loaded before the worker starts (they register
// themselves on import). Add one line per module's <domain>.jobs.ts.
import './platform/outbox/dispatch.ts';
import './platform/webhooks/webhooks.delivery.ts';
import './platform/jobs/housekeeping.ts';
import './modules/tickets/tickets.jobs.ts';
import './modules/tickets/notifications.jobs.ts';
import './modules/tickets/ticket-text.jobs.ts';
import './modules/import/import.jobs.ts';
import './modules/data-import/data-import.jobs.ts';
import './modules/channels/email.jobs.ts';
import './modules/campaigns/campaigns.jobs.ts';
import './modules/customers/tiers.jobs.ts';
