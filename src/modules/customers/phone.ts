import { createRequire } from 'node:module';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** `021-6123 4567 转 801`, `010-12345678 ext. 5`, `0755-88888888-801`: the extension reaches the same line owner. */
const extension = /(?:\s*(?:转|分机|ext\.?|x|#)\s*|\s*-\s*)\d{1,6}$/i;

function parseValid(text: string, defaultCountry: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  return parsed && parsed.isValid() ? parsed.number : null;
}

/**
 * The shapes a Chinese mobile most often comes in (`13800138000`, `+8613800138000`, `+86 13800138000`): a
 * bulk import checks a million of them, and a full libphonenumber parse is most of that row's CPU. They are
 * answered from the same metadata libphonenumber validates with: the number must match the mainland mobile
 * pattern and the national pattern, and must not start like a prefix libphonenumber would strip (carrier
 * codes such as 17951). Anything else, or metadata not shaped as expected, takes the full parse.
 */
const cnMobileShape = /^(?:\+86 ?)?(1[3-9]\d{9})$/;
const cnMobile = ((): ((national: string) => boolean) | null => {
  try {
    // the minified metadata of libphonenumber-js/max: [calling code, IDD prefix, national pattern, lengths, formats, national prefix, …, national prefix for parsing, …, types: [fixed line, mobile, …]]
    const metadata = createRequire(import.meta.url)('libphonenumber-js/metadata.max.json') as { countries?: Record<string, unknown[]> };
    const cn = metadata.countries?.CN;
    const types = cn?.[11];
    const mobile = Array.isArray(types) && Array.isArray(types[1]) ? types[1][0] : undefined;
    const general = cn?.[2];
    const stripped = cn?.[7];
    if (cn?.[0] !== '86' || typeof mobile !== 'string' || typeof general !== 'string' || typeof stripped !== 'string') return null;
    const isMobile = new RegExp(`^(?:${mobile})$`);
    const isNational = new RegExp(`^(?:${general})$`);
    const hasPrefix = new RegExp(`^(?:${stripped})`);
    const test = (n: string) => isMobile.test(n) && isNational.test(n) && !hasPrefix.test(n);
    // the layout guessed right if it agrees with libphonenumber on a few known numbers
    const known: [string, boolean][] = [['13800138000', true], ['19912345678', true], ['17012345678', true], ['14012345678', false], ['17951234567', false]];
    return known.every(([n, valid]) => test(n) === valid && (parseValid(n, 'CN') === `+86${n}`) === valid) ? test : null;
  } catch {
    return null;
  }
})();

/** Whether the mobile fast path is on (the metadata had the expected layout): tests check it is. */
export const phoneFastPath = cnMobile !== null;

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
  if (cnMobile) {
    const m = cnMobileShape.exec(trimmed);
    if (m && (defaultCountry === 'CN' || trimmed.startsWith('+')) && cnMobile(m[1])) return `+86${m[1]}`;
  }
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
