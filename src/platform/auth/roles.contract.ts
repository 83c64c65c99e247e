import { z } from 'zod';

export const roles = ['admin', 'manager', 'agent', 'specialist', 'field_engineer', 'warehouse_clerk', 'sales', 'analyst'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const permissions = [
  'users.read',
  'users.manage',
  'teams.read',
  'teams.manage',
  'settings.read',
  'settings.manage',
  'tokens.manage',
  'webhooks.manage',
  'audit.read',
  'jobs.manage',
  'calendars.read',
  'calendars.manage',
  'customers.read',
  'tickets.read',
  'tickets.create',
  'tickets.update',
  'sla.manage',
  'tickets.configure',
  'tickets.import',
  'customers.write',
  'customers.merge',
  'customers.import',
  'catalog.read',
  'catalog.manage',
  'orders.read',
  'orders.write',
  'tiers.manage',
  'campaigns.manage',
  'followups.work',
] as const;
export const Permission = z.enum(permissions);
export type Permission = z.infer<typeof Permission>;

/** Route access that is not a permission: open to anyone, or to any signed-in principal. */
export type Access = Permission | 'public' | 'authenticated';

/** Roles and what they may do: data, read by the server's checks and by the web navigation. */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: permissions,
  manager: ['customers.write', 'customers.merge', 'customers.import', 'catalog.read', 'catalog.manage', 'orders.read', 'orders.write', 'tiers.manage', 'campaigns.manage', 'followups.work', 'users.read', 'teams.read', 'settings.read', 'audit.read', 'calendars.read', 'customers.read', 'tickets.read', 'tickets.create', 'tickets.update', 'sla.manage', 'tickets.configure', 'tickets.import'],
  agent: ['customers.write', 'catalog.read', 'orders.read', 'followups.work', 'users.read', 'teams.read', 'settings.read', 'calendars.read', 'customers.read', 'tickets.read', 'tickets.create', 'tickets.update'],
  specialist: ['customers.write', 'catalog.read', 'orders.read', 'followups.work', 'users.read', 'teams.read', 'settings.read', 'calendars.read', 'customers.read', 'tickets.read', 'tickets.create', 'tickets.update'],
  field_engineer: ['catalog.read', 'settings.read', 'calendars.read'],
  warehouse_clerk: ['catalog.read', 'settings.read'],
  sales: ['customers.write', 'customers.import', 'catalog.read', 'orders.read', 'orders.write', 'campaigns.manage', 'followups.work', 'users.read', 'settings.read', 'calendars.read', 'customers.read', 'tickets.read', 'tickets.create'],
  analyst: ['catalog.read', 'orders.read', 'users.read', 'teams.read', 'settings.read', 'calendars.read', 'customers.read', 'tickets.read'],
};

export function permissionsOf(userRoles: readonly Role[]): Set<Permission> {
  return new Set(userRoles.flatMap((r) => rolePermissions[r] ?? []));
}

export function can(userRoles: readonly Role[], needed: Access): boolean {
  if (needed === 'public' || needed === 'authenticated') return true;
  // every API request asks this: a look through the (few) roles, not a new Set of all their permissions
  return userRoles.some((r) => rolePermissions[r]?.includes(needed) ?? false);
}
