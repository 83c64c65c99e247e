import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Icon } from '@tabler/icons-react';
import { IconApi, IconCalendarTime, IconClockHour4, IconTicket, IconClipboardList, IconHome, IconSettings, IconUsers, IconUsersGroup, IconWebhook, IconAlertTriangle } from '@tabler/icons-react';
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
  { path: '/users', label: 'nav.users', icon: IconUsers, access: 'users.read', section: 'organisation', testId: 'nav-users', component: lazy(() => import('./pages/admin/users/UsersPage.tsx')) },
  { path: '/teams', label: 'nav.teams', icon: IconUsersGroup, access: 'teams.read', section: 'organisation', testId: 'nav-teams', component: lazy(() => import('./pages/admin/teams/TeamsPage.tsx')) },
  { path: '/admin/sla-policies', label: 'nav.slaPolicies', icon: IconClockHour4, access: 'sla.manage', section: 'admin', testId: 'nav-sla-policies', component: lazy(() => import('./pages/admin/sla/SlaPoliciesPage.tsx')) },
  { path: '/admin/calendars', label: 'nav.calendars', icon: IconCalendarTime, access: 'calendars.manage', section: 'admin', testId: 'nav-calendars', component: lazy(() => import('./pages/admin/calendars/CalendarsPage.tsx')) },
  { path: '/admin/settings', label: 'nav.settings', icon: IconSettings, access: 'settings.manage', section: 'admin', testId: 'nav-settings', component: lazy(() => import('./pages/admin/settings/SettingsPage.tsx')) },
  { path: '/admin/api-tokens', label: 'nav.apiTokens', icon: IconApi, access: 'tokens.manage', section: 'admin', testId: 'nav-api-tokens', component: lazy(() => import('./pages/admin/tokens/TokensPage.tsx')) },
  { path: '/admin/webhooks', label: 'nav.webhooks', icon: IconWebhook, access: 'webhooks.manage', section: 'admin', testId: 'nav-webhooks', component: lazy(() => import('./pages/admin/webhooks/WebhooksPage.tsx')) },
  { path: '/admin/audit', label: 'nav.audit', icon: IconClipboardList, access: 'audit.read', section: 'admin', testId: 'nav-audit', component: lazy(() => import('./pages/admin/audit/AuditPage.tsx')) },
  { path: '/admin/jobs', label: 'nav.jobs', icon: IconAlertTriangle, access: 'jobs.manage', section: 'admin', testId: 'nav-jobs', component: lazy(() => import('./pages/admin/jobs/JobsPage.tsx')) },
];

/** Pages reached from other pages (a ticket, a calendar), not from the navbar. */
export const detailPages: Pick<PageDef, 'path' | 'access' | 'component'>[] = [
  { path: '/tickets/:id', access: 'tickets.read', component: lazy(() => import('./pages/tickets/TicketPage.tsx')) },
  { path: '/admin/calendars/:idOrCode', access: 'calendars.read', component: lazy(() => import('./pages/admin/calendars/CalendarPage.tsx')) },
];

export const sectionOrder: NavSection[] = ['main', 'organisation', 'admin'];
