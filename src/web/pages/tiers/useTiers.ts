import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { TierConfig, type TierDefinition } from '../../../modules/customers/tiers.contract.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { useApiGet } from '../../lib/useApi.ts';

/** The tenant's tier definitions and a name for a code in the UI language (codes are tenant-defined). */
export function useTiers(): { definitions: TierDefinition[]; name: (code: string) => string; loading: boolean } {
  const { i18n } = useTranslation();
  const canRead = useAuth().allows('customers.read');
  const cfg = useApiGet(canRead ? '/tiers' : null, TierConfig);
  const definitions = cfg.data?.definitions ?? [];
  const zh = i18n.language.startsWith('zh');
  const name = useCallback(
    (code: string) => {
      const d = (cfg.data?.definitions ?? []).find((x) => x.code === code);
      return d ? (zh ? d.nameZh : d.nameEn) : code;
    },
    [cfg.data, zh],
  );
  return { definitions, name, loading: cfg.loading };
}
