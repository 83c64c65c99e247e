import type { OpenApiTag, RoutePlugin } from './platform/http/app.ts';
import { webhooksTagDescription } from './platform/webhooks/webhooks.contract.ts';
import { healthRoutes } from './platform/http/health.routes.ts';
import { authRoutes } from './platform/auth/auth.routes.ts';
import { usersRoutes } from './platform/auth/users.routes.ts';
import { settingsRoutes } from './platform/tenancy/settings.routes.ts';
import { teamsRoutes } from './platform/teams/teams.routes.ts';
import { tokensRoutes } from './platform/auth/tokens.routes.ts';
import { auditRoutes } from './platform/audit/audit.routes.ts';
import { jobsRoutes } from './platform/jobs/jobs.routes.ts';
import { webhooksRoutes } from './platform/webhooks/webhooks.routes.ts';
import { calendarRoutes } from './platform/calendar/calendar.routes.ts';
import { notificationsRoutes } from './platform/notifications/notifications.routes.ts';
import { customersRoutes } from './modules/customers/customers.routes.ts';
import { customer360Routes } from './modules/customer360/customer360.routes.ts';
import { catalogRoutes } from './modules/catalog/catalog.routes.ts';
import { ordersRoutes } from './modules/orders/orders.routes.ts';
import { tiersRoutes } from './modules/customers/tiers.routes.ts';
import { segmentsRoutes } from './modules/customers/segments.routes.ts';
import { ticketsRoutes } from './modules/tickets/tickets.routes.ts';
import { ticketWorkflowRoutes } from './modules/tickets/workflow.routes.ts';
import { ticketStreamRoutes } from './modules/tickets/tickets.stream.ts';
import { ticketFieldRoutes } from './modules/tickets/custom-fields.routes.ts';
import { slaRoutes } from './modules/sla/sla.routes.ts';
import { importRoutes } from './modules/import/import.routes.ts';
import { dataImportRoutes } from './modules/data-import/data-import.routes.ts';
import { emailRoutes } from './modules/channels/email.routes.ts';
import { intakeRoutes } from './modules/channels/intake.routes.ts';
import { campaignsRoutes } from './modules/campaigns/campaigns.routes.ts';

/** Every route plugin of the product: platform first, then one line per module. */
export const allRoutes: RoutePlugin[] = [healthRoutes, authRoutes, usersRoutes, settingsRoutes, teamsRoutes, tokensRoutes, auditRoutes, jobsRoutes, webhooksRoutes, calendarRoutes, notificationsRoutes, customersRoutes, customer360Routes, catalogRoutes, ordersRoutes, tiersRoutes, segmentsRoutes, ticketsRoutes, ticketWorkflowRoutes, ticketStreamRoutes, ticketFieldRoutes, slaRoutes, importRoutes, dataImportRoutes, emailRoutes, intakeRoutes, campaignsRoutes];

/** Tag descriptions shown in the OpenAPI document (integrator documentation). */
export const openApiTags: OpenApiTag[] = [{ name: 'webhooks', description: webhooksTagDescription }];
