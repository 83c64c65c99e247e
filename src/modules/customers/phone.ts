import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * One customer writes as `+86 138-0013-8000` by SMS, `13800138000` on the web form and `0086 138 0013 8000`
 * in an e-mail signature: all become E.164 `+8613800138000`, so identities match across channels.
 * Numbers without a country code are read as Chinese (mobile or landline with area code).
 */
export function normalisePhone(raw: string, defaultCountry: CountryCode = 'CN'): string | null {
  const trimmed = raw.trim();
  if (!/\d/.test(trimmed) || trimmed.length > 40) return null;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  return parsed && parsed.isValid() ? parsed.number : null;
}

export function normaliseEmail(raw: string): string | null {
  const e = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) && e.length <= 320 ? e : null;
}
