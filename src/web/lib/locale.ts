import { Locale } from '../../platform/i18n/i18n.contract.ts';

const STORAGE_KEY = 'aftersales.lang';

/** zh* → zh-CN, anything else → en. */
export function localeFromBrowser(languages: readonly string[] = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language])): Locale {
  const first = languages.find(Boolean) ?? 'en';
  return first.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The language chosen on this browser (login page or last switch), else the browser's language. */
export function storedLocale(): Locale | null {
  const parsed = Locale.safeParse(safeStorage.get(STORAGE_KEY));
  return parsed.success ? parsed.data : null;
}

export function initialLocale(): Locale {
  return storedLocale() ?? localeFromBrowser();
}

/** Remembers an explicit choice and tells the server through the `lang` cookie (API errors follow it). */
export function rememberLocale(locale: Locale): void {
  safeStorage.set(STORAGE_KEY, locale);
  document.cookie = `lang=${locale}; path=/; max-age=${60 * 60 * 24 * 365}; SameSite=Lax`;
}

/** localStorage that survives private mode and disabled storage. */
export const safeStorage = {
  get(key: string): string | null {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      /* storage unavailable: the choice lasts for this page only */
    }
  },
};
