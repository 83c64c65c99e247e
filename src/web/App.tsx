import { Suspense } from 'react';
import { createTheme, MantineProvider, localStorageColorSchemeManager } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuthProvider } from './auth/AuthContext.tsx';
import { RequireAccess, RequireAuth } from './auth/guards.tsx';
import { ConfirmProvider } from './components/confirm.tsx';
import { LoadingState } from './components/States.tsx';
import { detailPages, pages } from './nav.tsx';
import { AppLayout } from './shell/AppLayout.tsx';
import LoginPage from './pages/LoginPage.tsx';
import ForcePasswordPage from './pages/account/ForcePasswordPage.tsx';
import ProfilePage from './pages/account/ProfilePage.tsx';
import NotFoundPage from './pages/NotFoundPage.tsx';

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'md',
  respectReducedMotion: true,
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif',
  headings: { fontWeight: '600' },
});

const colorSchemeManager = localStorageColorSchemeManager({ key: 'aftersales.color-scheme' });

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" colorSchemeManager={colorSchemeManager}>
      <Notifications position="bottom-right" zIndex={1000} />
      <ConfirmProvider>
        <AuthProvider>
          <BrowserRouter>
            <Suspense fallback={<LoadingState minHeight={320} />}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route
                  path="/change-password"
                  element={
                    <RequireAuth>
                      <ForcePasswordPage />
                    </RequireAuth>
                  }
                />
                <Route
                  element={
                    <RequireAuth>
                      <AppLayout />
                    </RequireAuth>
                  }
                >
                  {[...pages, ...detailPages].map((p) => (
                    <Route
                      key={p.path}
                      path={p.path}
                      element={
                        <RequireAccess access={p.access}>
                          <p.component />
                        </RequireAccess>
                      }
                    />
                  ))}
                  <Route path="/profile" element={<ProfilePage />} />
                  <Route path="/home" element={<Navigate to="/" replace />} />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </AuthProvider>
      </ConfirmProvider>
    </MantineProvider>
  );
}
