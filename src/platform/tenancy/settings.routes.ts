import type { App } from '../http/types.ts';
import { TenantSettings, UpdateTenantSettings } from './settings.contract.ts';
import { getSettings, updateSettings } from './tenancy.service.ts';

export function settingsRoutes(app: App) {
  app.get('/api/v1/settings', { config: { access: 'settings.read' }, schema: { tags: ['settings'], summary: "The tenant's settings", response: { 200: TenantSettings } } }, (req) =>
    getSettings(req.ctx),
  );
  app.patch(
    '/api/v1/settings',
    { config: { access: 'settings.manage' }, schema: { tags: ['settings'], summary: 'Change name, time zone, default language or logo', body: UpdateTenantSettings, response: { 200: TenantSettings } } },
    (req) => updateSettings(req.ctx, req.body),
  );
}
