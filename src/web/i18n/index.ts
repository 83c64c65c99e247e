import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../platform/i18n/i18n.contract.ts';
import en from './en.json';
import zhCN from './zh-CN.json';
import { initialLocale } from '../lib/locale.ts';

export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLocale(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

/** Switches the UI language and the document's lang attribute. */
export async function applyLocale(locale: Locale): Promise<void> {
  document.documentElement.lang = locale;
  if (i18n.language !== locale) await i18n.changeLanguage(locale);
}

document.documentElement.lang = i18n.language;

export default i18n;
