import { useTranslation } from 'react-i18next';
import type en from '../../../i18n/en.json';

/** Known values, offered in the filters; others (from later modules) show as they are. */
export const auditEntityTypes = ['user', 'session', 'team', 'settings', 'api_token', 'webhook', 'job', 'tenant'] as const;
export const auditActions = ['created', 'updated', 'deleted', 'deactivated', 'password_reset', 'profile_updated', 'login', 'logout', 'locked_out', 'revoked', 'tested', 'retried', 'seeded'] as const;

type ActionKey = keyof typeof en.audit.actions;
type EntityKey = keyof typeof en.audit.entities;

export function useAuditLabels() {
  const { t, i18n } = useTranslation();
  return {
    action: (a: string) => (i18n.exists(`audit.actions.${a}`) ? t(`audit.actions.${a as ActionKey}`) : a),
    entity: (e: string) => (i18n.exists(`audit.entities.${e}`) ? t(`audit.entities.${e as EntityKey}`) : e),
  };
}
