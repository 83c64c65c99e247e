import { z } from 'zod';
import { Locale } from '../i18n/i18n.contract.ts';
import { Permission, Role } from './roles.contract.ts';

export const Password = z.string().min(8).max(200);

export const LoginInput = z.strictObject({
  tenant: z.string().min(1).max(100),
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(200),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const Me = z.object({
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  tenantSlug: z.string(),
  tenantName: z.string(),
  tenantLogo: z.string().nullable(),
  email: z.string(),
  name: z.string(),
  roles: z.array(Role),
  permissions: z.array(Permission),
  /** the language in effect for this request */
  locale: Locale,
  /** the user's own choice; null follows the browser, then the tenant default */
  localePreference: Locale.nullable(),
  timeZone: z.string(),
  mustChangePassword: z.boolean(),
  /** send back as X-CSRF-Token on every cookie-authenticated write */
  csrfToken: z.string().nullable(),
});
export type Me = z.infer<typeof Me>;

export const UpdateMe = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    locale: Locale.nullable().optional(),
    currentPassword: z.string().max(200).optional(),
    newPassword: Password.optional(),
  })
  .refine((v) => !v.newPassword || v.currentPassword, { path: ['currentPassword'], message: 'required' });
export type UpdateMe = z.infer<typeof UpdateMe>;

export const PublicTenant = z.object({ slug: z.string(), name: z.string(), logo: z.string().nullable(), defaultLocale: Locale });
export type PublicTenant = z.infer<typeof PublicTenant>;
