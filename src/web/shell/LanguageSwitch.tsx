import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Locale } from '../../platform/i18n/i18n.contract.ts';
import { useAuth } from '../auth/AuthContext.tsx';
import { notifyError } from '../components/notify.ts';

/** 中文 / English. Signed in, the choice is saved on the user; on the sign-in page, on this browser. */
export function LanguageSwitch({ size = 'xs' }: { size?: 'xs' | 'sm' }) {
  const { i18n } = useTranslation();
  const { changeLocale } = useAuth();
  const value = Locale.safeParse(i18n.language).data ?? 'en';
  return (
    <SegmentedControl
      size={size}
      radius="xl"
      value={value}
      data-testid="lang-switch"
      aria-label="Language / 语言"
      onChange={(v) => {
        const next = Locale.safeParse(v);
        if (next.success) changeLocale(next.data).catch(notifyError);
      }}
      data={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}
