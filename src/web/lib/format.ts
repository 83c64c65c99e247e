import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/AuthContext.tsx';

export interface Formatters {
  /** date and time in the tenant's time zone, e.g. 2026/11/24 09:30 */
  dateTime: (iso: string | null | undefined) => string;
  date: (iso: string | null | undefined) => string;
  timeZone: string;
}

function safeFormatter(locale: string, timeZone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(locale, { ...opts, timeZone });
  } catch {
    return new Intl.DateTimeFormat(locale, opts);
  }
}

/** Times are shown in the tenant's time zone (Me.timeZone), in the UI language. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const { me } = useAuth();
  const timeZone = me?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const locale = i18n.language;
  return useMemo(() => {
    // zh-CN: 2026/11/24 09:30; en: Nov 24, 2026, 09:30
    const month = locale.startsWith('zh') ? '2-digit' : 'short';
    const dt = safeFormatter(locale, timeZone, { year: 'numeric', month, day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const d = safeFormatter(locale, timeZone, { year: 'numeric', month, day: '2-digit' });
    const fmt = (f: Intl.DateTimeFormat) => (iso: string | null | undefined) => {
      if (!iso) return '—';
      const t = new Date(iso);
      return Number.isNaN(t.getTime()) ? iso : f.format(t);
    };
    return { dateTime: fmt(dt), date: fmt(d), timeZone };
  }, [locale, timeZone]);
}

export { zonedDayBoundary } from './time.ts';
