import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LoginInput, Me, type UpdateMe } from '../../platform/auth/auth.contract.ts';
import type { Access } from '../../platform/auth/roles.contract.ts';
import type { Locale } from '../../platform/i18n/i18n.contract.ts';
import { api, ApiError, onUnauthorized, setCsrfToken } from '../api.ts';
import { applyLocale } from '../i18n/index.ts';
import { rememberLocale } from '../lib/locale.ts';

export type AuthStatus = 'loading' | 'anonymous' | 'authenticated';

export interface Auth {
  status: AuthStatus;
  me: Me | null;
  login: (input: LoginInput) => Promise<Me>;
  logout: () => Promise<void>;
  /** PATCH /me; the returned Me replaces the current one */
  updateMe: (patch: UpdateMe) => Promise<Me>;
  /** signed in: saved on the user (PATCH /me); signed out: remembered on this browser */
  changeLocale: (locale: Locale) => Promise<void>;
  /** GET /me again (after a change that shows in the shell, e.g. the organisation's name or logo) */
  refresh: () => Promise<void>;
  /** whether the signed-in user may do/see this */
  allows: (access: Access) => boolean;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMeState] = useState<Me | null>(null);
  const [status, setStatus] = useState<AuthStatus>('loading');

  const setMe = useCallback((next: Me | null) => {
    setMeState(next);
    setCsrfToken(next?.csrfToken ?? null);
    setStatus(next ? 'authenticated' : 'anonymous');
    if (next) void applyLocale(next.locale);
    // the sign-in page after sign-out (and server errors before sign-in) follow the user's own choice
    if (next?.localePreference) rememberLocale(next.localePreference);
  }, []);

  useEffect(() => {
    api
      .get('/me', Me)
      .then(setMe)
      .catch(() => setMe(null));
    return onUnauthorized(() => setMe(null));
  }, [setMe]);

  const login = useCallback(
    async (input: LoginInput) => {
      const next = await api.post('/auth/login', input, Me);
      setMe(next);
      return next;
    },
    [setMe],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
    }
    setMe(null);
  }, [setMe]);

  const updateMe = useCallback(
    async (patch: UpdateMe) => {
      const next = await api.patch('/me', patch, Me);
      setMe(next);
      return next;
    },
    [setMe],
  );

  const changeLocale = useCallback(
    async (locale: Locale) => {
      rememberLocale(locale);
      await applyLocale(locale);
      if (status === 'authenticated') await updateMe({ locale });
    },
    [status, updateMe],
  );

  const refresh = useCallback(async () => {
    setMe(await api.get('/me', Me));
  }, [setMe]);

  const allows = useCallback((access: Access) => !!me && (access === 'public' || access === 'authenticated' || me.permissions.includes(access)), [me]);

  const value = useMemo<Auth>(() => ({ status, me, login, logout, updateMe, changeLocale, refresh, allows }), [status, me, login, logout, updateMe, changeLocale, refresh, allows]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthProvider>');
  return auth;
}

/** The signed-in user; only for pages behind <RequireAuth>. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}
