import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** `021-6123 4567 转 801`, `010-12345678 ext. 5`, `0755-88888888-801`: the extension reaches the same line owner. */
const extension = /(?:\s*(?:转|分机|ext\.?|x|#)\s*|\s*-\s*)\d{1,6}$/i;

function parseValid(text: string, defaultCountry: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  return parsed && parsed.isValid() ? parsed.number : null;
}

/**
 * One customer writes as `+86 138-0013-8000` by SMS, `13800138000` on the web form and `0086 138 0013 8000`
 * in an e-mail signature: all become E.164 `+8613800138000`, so identities match across channels.
 * Numbers without a country code are read as Chinese: mobiles, and landlines with their area code
 * (`010-12345678`, `0755-8888 8888`, `(021) 6123 4567`). Full-width digits (typed with a Chinese IME) are
 * folded first; an extension is dropped because the identity is the line, not the desk. A landline without
 * its area code cannot be placed and is refused rather than guessed.
 */
export function normalisePhone(raw: string, defaultCountry: CountryCode = 'CN'): string | null {
  const trimmed = raw.normalize('NFKC').trim();
  if (!/\d/.test(trimmed) || trimmed.length > 40) return null;
  const direct = parseValid(trimmed, defaultCountry);
  if (direct) return direct;
  const withoutExtension = trimmed.replace(extension, '');
  return withoutExtension !== trimmed ? parseValid(withoutExtension, defaultCountry) : null;
}

export function normaliseEmail(raw: string): string | null {
  const e = raw.normalize('NFKC').trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) && e.length <= 320 ? e : null;
}

/** `wechat:o6_bmjr…`, `wechat_union:…`, `shop:member-42`: a lower-case system name, a colon, the id in that system. */
export function normaliseExternalId(raw: string): string | null {
  const m = /^\s*([A-Za-z][A-Za-z0-9_.-]{0,39})\s*:\s*(\S.{0,159}?)\s*$/.exec(raw.normalize('NFKC'));
  return m ? `${m[1].toLowerCase()}:${m[2]}` : null;
}
