import { z } from 'zod';
import { Locale } from '../i18n/i18n.contract.ts';

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, { message: 'unknown time zone' });

/** Logos are small images stored inline as data: URLs (≤ 200 kB). */
export const Logo = z
  .string()
  .max(280_000)
  .regex(/^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/);

export const TenantSettings = z.object({
  id: z.string().uuid(),
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  defaultLocale: Locale,
  logo: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

export const UpdateTenantSettings = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(1).max(200).optional(),
  timeZone: TimeZone.optional(),
  defaultLocale: Locale.optional(),
  logo: Logo.nullable().optional(),
});
export type UpdateTenantSettings = z.infer<typeof UpdateTenantSettings>;
