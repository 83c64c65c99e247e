import en from './locales/en.json' with { type: 'json' };
import zhCN from './locales/zh-CN.json' with { type: 'json' };
import type { Locale } from './i18n.contract.ts';

export { Locale, locales, localeFromAcceptLanguage } from './i18n.contract.ts';

export const serverCatalogues: Record<Locale, Record<string, string>> = { en, 'zh-CN': zhCN };

export type Params = Record<string, string | number>;

/** Message from the server catalogue; a missing key falls back to English, then to the key itself. */
export function t(locale: Locale, key: string, params: Params = {}): string {
  const template = serverCatalogues[locale][key] ?? serverCatalogues.en[key] ?? key;
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (name in params ? String(params[name]) : `{{${name}}}`));
}
