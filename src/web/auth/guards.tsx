import type { ReactNode } from 'react';
import { Button } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import type { Access } from '../../platform/auth/roles.contract.ts';
import { EmptyState, LoadingState } from '../components/States.tsx';
import { useAuth } from './AuthContext.tsx';

/** Signed-in pages: otherwise to /login (coming back afterwards); a forced password change comes first. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, me } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <LoadingState minHeight={320} />;
  if (status === 'anonymous' || !me) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.mustChangePassword && location.pathname !== '/change-password') return <Navigate to="/change-password" replace />;
  return <>{children}</>;
}

/** A page the user's permissions do not allow (typed URL, old bookmark). */
export function RequireAccess({ access, children }: { access: Access; children: ReactNode }) {
  const { t } = useTranslation();
  const { allows } = useAuth();
  if (allows(access)) return <>{children}</>;
  return (
    <EmptyState
      icon={<IconLock size={26} stroke={1.5} />}
      title={t('errors.noAccessTitle')}
      description={t('errors.noAccess')}
      action={
        <Button component={Link} to="/" variant="light" mt="sm">
          {t('common.backHome')}
        </Button>
      }
    />
  );
}
