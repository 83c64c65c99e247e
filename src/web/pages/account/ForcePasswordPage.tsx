import { Alert, Box, Button, Center, Group, Paper, Stack, Title } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { useAuth, useMe } from '../../auth/AuthContext.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { LanguageSwitch } from '../../shell/LanguageSwitch.tsx';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';

/** First sign-in with a temporary password: a new password before anything else. */
export default function ForcePasswordPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const navigate = useNavigate();
  if (!me.mustChangePassword) return <Navigate to="/" replace />;
  return (
    <Box className="app-login-bg">
      <Group justify="flex-end" p="md">
        <LanguageSwitch size="sm" />
      </Group>
      <Center px="md" pb={64}>
        <Paper withBorder shadow="md" p="xl" radius="lg" w="100%" maw={480} data-testid="force-password-page">
          <Stack>
            <Title order={3}>{t('account.mustChangeTitle')}</Title>
            <Alert variant="light" icon={<IconShieldLock size={18} />}>
              {t('account.mustChangeText', { name: me.name })}
            </Alert>
            <ChangePasswordForm
              onDone={() => {
                notifySuccess(t('account.passwordChanged'));
                navigate('/', { replace: true });
              }}
            />
            <Button variant="subtle" color="gray" onClick={() => logout().then(() => navigate('/login')).catch(notifyError)}>
              {t('shell.signOut')}
            </Button>
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
