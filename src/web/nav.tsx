import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Icon } from '@tabler/icons-react';
import { IconFileImport } from '@tabler/icons-react';
import { IconAddressBook } from '@tabler/icons-react';
import { IconMailCog, IconMailForward } from '@tabler/icons-react';
import { IconHeartHandshake, IconPhoneCall } from '@tabler/icons-react';
import { IconApi, IconCalendarTime, IconClockHour4, IconTicket, IconClipboardList, IconHome, IconSettings, IconUsers, IconUsersGroup, IconWebhook, IconAlertTriangle } from '@tabler/icons-react';
import { IconForms, IconMessageBolt, IconRoute } from '@tabler/icons-react';
import { IconCrown, IconFilter } from '@tabler/icons-react';
import { IconChartLine, IconPackage, IconShoppingCart } from '@tabler/icons-react';
import type { Access } from '../platform/auth/roles.contract.ts';
import type en from './i18n/en.json';

export type NavSection = 'main' | 'organisation' | 'admin';
export type NavLabelKey = `nav.${keyof typeof en.nav}`;

/**
 * One row per page: its route, navigation entry and who may open it. The navbar shows only the rows the
 * signed-in user's permissions allow; the router refuses the others. A new module adds its rows here.
 */
export interface PageDef {
  path: string;
  label: NavLabelKey;
  icon: Icon;
  access: Access;
  section: NavSection;
  component: LazyExoticComponent<ComponentType>;
  /** data-testid of the navbar link */
  testId: string;
}

export const pages: PageDef[] = [
  { path: '/', label: 'nav.home', icon: IconHome, access: 'authenticated', section: 'main', testId: 'nav-home', component: lazy(() => import('./pages/HomePage.tsx')) },
  { path: '/tickets', label: 'nav.tickets', icon: IconTicket, access: 'tickets.read', section: 'main', testId: 'nav-tickets', component: lazy(() => import('./pages/tickets/TicketsPage.tsx')) },
  { path: '/customers', label: 'nav.customers', icon: IconAddressBook, access: 'customers.read', section: 'main', testId: 'nav-customers', component: lazy(() => import('./pages/customers/CustomersPage.tsx')) },
  { path: '/catalog/products', label: 'nav.products', icon: IconPackage, access: 'catalog.read', section: 'main', testId: 'nav-products', component: lazy(() => import('./pages/catalog/ProductsPage.tsx')) },
  { path: '/orders', label: 'nav.orders', icon: IconShoppingCart, access: 'orders.read', section: 'main', testId: 'nav-orders', component: lazy(() => import('./pages/orders/OrdersPage.tsx')) },
  { path: '/customers/segments', label: 'nav.segments', icon: IconFilter, access: 'customers.read', section: 'main', testId: 'nav-segments', component: lazy(() => import('./pages/segments/SegmentsPage.tsx')) },
  { path: '/imports', label: 'nav.imports', icon: IconFileImport, access: 'customers.import', section: 'main', testId: 'nav-imports', component: lazy(() => import('./pages/imports/ImportsPage.tsx')) },
  { path: '/campaigns', label: 'nav.campaigns', icon: IconHeartHandshake, access: 'campaigns.manage', section: 'main', testId: 'nav-campaigns', component: lazy(() => import('./pages/campaigns/CampaignsPage.tsx')) },
  { path: '/followups', label: 'nav.followups', icon: IconPhoneCall, access: 'followups.work', section: 'main', testId: 'nav-followups', component: lazy(() => import('./pages/followups/FollowupsPage.tsx')) },
  { path: '/users', label: 'nav.users', icon: IconUsers, access: 'users.read', section: 'organisation', testId: 'nav-users', component: lazy(() => import('./pages/admin/users/UsersPage.tsx')) },
  { path: '/teams', label: 'nav.teams', icon: IconUsersGroup, access: 'teams.read', section: 'organisation', testId: 'nav-teams', component: lazy(() => import('./pages/admin/teams/TeamsPage.tsx')) },
  { path: '/admin/sla-policies', label: 'nav.slaPolicies', icon: IconClockHour4, access: 'sla.manage', section: 'admin', testId: 'nav-sla-policies', component: lazy(() => import('./pages/admin/sla/SlaPoliciesPage.tsx')) },
  { path: '/admin/ticket-fields', label: 'nav.ticketFields', icon: IconForms, access: 'tickets.configure', section: 'admin', testId: 'nav-ticket-fields', component: lazy(() => import('./pages/admin/ticket-fields/TicketFieldsPage.tsx')) },
  { path: '/admin/routing', label: 'nav.routing', icon: IconRoute, access: 'tickets.configure', section: 'admin', testId: 'nav-routing', component: lazy(() => import('./pages/admin/routing/RoutingPage.tsx')) },
  { path: '/admin/macros', label: 'nav.macros', icon: IconMessageBolt, access: 'tickets.configure', section: 'admin', testId: 'nav-macros', component: lazy(() => import('./pages/admin/macros/MacrosPage.tsx')) },
  { path: '/admin/calendars', label: 'nav.calendars', icon: IconCalendarTime, access: 'calendars.manage', section: 'admin', testId: 'nav-calendars', component: lazy(() => import('./pages/admin/calendars/CalendarsPage.tsx')) },
  { path: '/admin/clv-settings', label: 'nav.clvSettings', icon: IconChartLine, access: 'tiers.manage', section: 'admin', testId: 'nav-clv-settings', component: lazy(() => import('./pages/orders/ClvSettingsPage.tsx')) },
  { path: '/admin/tiers', label: 'nav.tiers', icon: IconCrown, access: 'tiers.manage', section: 'admin', testId: 'nav-tiers', component: lazy(() => import('./pages/tiers/TiersPage.tsx')) },
  { path: '/admin/channels', label: 'nav.mailChannels', icon: IconMailCog, access: 'settings.manage', section: 'admin', testId: 'nav-mail-channels', component: lazy(() => import('./pages/admin/channels/ChannelsPage.tsx')) },
  { path: '/admin/mail-outbox', label: 'nav.mailOutbox', icon: IconMailForward, access: 'tickets.read', section: 'main', testId: 'nav-mail-outbox', component: lazy(() => import('./pages/admin/channels/OutboxPage.tsx')) },
  { path: '/admin/settings', label: 'nav.settings', icon: IconSettings, access: 'settings.manage', section: 'admin', testId: 'nav-settings', component: lazy(() => import('./pages/admin/settings/SettingsPage.tsx')) },
  { path: '/admin/api-tokens', label: 'nav.apiTokens', icon: IconApi, access: 'tokens.manage', section: 'admin', testId: 'nav-api-tokens', component: lazy(() => import('./pages/admin/tokens/TokensPage.tsx')) },
  { path: '/admin/webhooks', label: 'nav.webhooks', icon: IconWebhook, access: 'webhooks.manage', section: 'admin', testId: 'nav-webhooks', component: lazy(() => import('./pages/admin/webhooks/WebhooksPage.tsx')) },
  { path: '/admin/audit', label: 'nav.audit', icon: IconClipboardList, access: 'audit.read', section: 'admin', testId: 'nav-audit', component: lazy(() => import('./pages/admin/audit/AuditPage.tsx')) },
  { path: '/admin/jobs', label: 'nav.jobs', icon: IconAlertTriangle, access: 'jobs.manage', section: 'admin', testId: 'nav-jobs', component: lazy(() => import('./pages/admin/jobs/JobsPage.tsx')) },
];

/** Pages reached from other pages (a ticket, a calendar), not from the navbar. */
export const detailPages: Pick<PageDef, 'path' | 'access' | 'component'>[] = [
  { path: '/customers/:id', access: 'customers.read', component: lazy(() => import('./pages/customers/CustomerPage.tsx')) },
  { path: '/tickets/:id', access: 'tickets.read', component: lazy(() => import('./pages/tickets/TicketPage.tsx')) },
  { path: '/campaigns/templates', access: 'campaigns.manage', component: lazy(() => import('./pages/campaigns/TemplatesPage.tsx')) },
  { path: '/campaigns/:id', access: 'campaigns.manage', component: lazy(() => import('./pages/campaigns/CampaignPage.tsx')) },
  { path: '/admin/calendars/:idOrCode', access: 'calendars.read', component: lazy(() => import('./pages/admin/calendars/CalendarPage.tsx')) },
];

export const sectionOrder: NavSection[] = ['main', 'organisation', 'admin'];
