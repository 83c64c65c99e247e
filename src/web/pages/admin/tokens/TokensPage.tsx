import { useState } from 'react';
import { Badge, Button, Code, Switch, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ApiToken } from '../../../../platform/auth/tokens.contract.ts';
import { page } from '../../../../platform/http/pagination.contract.ts';
import { api } from '../../../api.ts';
import { useConfirm } from '../../../components/confirm.tsx';
import { DataTable, type Column } from '../../../components/DataTable.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.ts';
import { PageLayout } from '../../../components/PageLayout.tsx';
import { RoleBadges } from '../../../components/RoleBadges.tsx';
import { SecretModal } from '../../../components/SecretModal.tsx';
import { useFormat } from '../../../lib/format.ts';
import { useCursorList } from '../../../lib/useApi.ts';
import { CreateTokenModal } from './CreateTokenModal.tsx';

const TokenPage = page(ApiToken);

function tokenState(tk: ApiToken): 'revoked' | 'expired' | 'active' {
  if (tk.revokedAt) return 'revoked';
  if (tk.expiresAt && new Date(tk.expiresAt) <= new Date()) return 'expired';
  return 'active';
}
const stateColor = { active: 'teal', expired: 'gray', revoked: 'red' } as const;

export default function TokensPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const confirm = useConfirm();
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const list = useCursorList('/api-tokens', TokenPage, { includeRevoked: includeRevoked ? 'true' : 'false' });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);

  const revoke = async (tk: ApiToken) => {
    const ok = await confirm({ title: t('tokens.revokeTitle'), message: t('tokens.revokeText', { name: tk.name }), confirmLabel: t('tokens.revoke'), danger: true });
    if (!ok) return;
    try {
      await api.delete(`/api-tokens/${tk.id}`);
      notifySuccess(t('tokens.revoked', { name: tk.name }));
    } catch (e) {
      notifyError(e);
    }
    list.reload();
  };

  const columns: Column<ApiToken>[] = [
    {
      key: 'name',
      header: t('tokens.name'),
      render: (tk) => (
        <Text size="sm" fw={500} data-testid="token-row-name">
          {tk.name}
        </Text>
      ),
    },
    { key: 'prefix', header: t('tokens.prefix'), render: (tk) => <Code>{tk.prefix}…</Code> },
    { key: 'roles', header: t('tokens.roles'), render: (tk) => <RoleBadges value={tk.roles} /> },
    {
      key: 'state',
      header: t('tokens.state'),
      render: (tk) => {
        const s = tokenState(tk);
        return (
          <Badge variant="dot" color={stateColor[s]} tt="none">
            {t(`tokens.states.${s}`)}
          </Badge>
        );
      },
    },
    { key: 'created', header: t('common.createdAt'), render: (tk) => <Text size="sm">{fmt.dateTime(tk.createdAt)}</Text> },
    { key: 'expires', header: t('tokens.expires'), render: (tk) => <Text size="sm">{tk.expiresAt ? fmt.dateTime(tk.expiresAt) : t('tokens.never')}</Text> },
    { key: 'used', header: t('tokens.lastUsed'), render: (tk) => <Text size="sm">{fmt.dateTime(tk.lastUsedAt)}</Text> },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (tk) =>
        tokenState(tk) !== 'revoked' && (
          <Button size="xs" variant="subtle" color="red" onClick={() => void revoke(tk)} data-testid="token-revoke">
            {t('tokens.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <PageLayout
      title={t('tokens.title')}
      description={t('tokens.description')}
      testId="tokens-page"
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="token-create">
          {t('tokens.create')}
        </Button>
      }
    >
      <DataTable
        list={list}
        columns={columns}
        rowKey={(tk) => tk.id}
        testId="tokens"
        minWidth={900}
        emptyTitle={t('tokens.empty')}
        emptyDescription={t('tokens.emptyHint')}
        filters={<Switch label={t('tokens.includeRevoked')} checked={includeRevoked} onChange={(e) => setIncludeRevoked(e.currentTarget.checked)} data-testid="tokens-include-revoked" />}
      />
      <CreateTokenModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret(created);
          list.reload();
          notifySuccess(t('tokens.created', { name: created.name }));
        }}
      />
      <SecretModal secret={secret?.secret ?? null} title={t('tokens.secretTitle', { name: secret?.name ?? '' })} description={t('tokens.secretText')} onClose={() => setSecret(null)} />
    </PageLayout>
  );
}
