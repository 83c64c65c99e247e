import { useEffect, useState } from 'react';
import { Anchor, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { IconBuilding, IconLock, IconMail } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { PublicTenant } from '../../platform/auth/auth.contract.ts';
import { api } from '../api.ts';
import { useAuth } from '../auth/AuthContext.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useSubmit } from '../components/forms.ts';
import { safeStorage } from '../lib/locale.ts';
import { ColorSchemeToggle } from '../shell/ColorSchemeToggle.tsx';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { TenantBrand } from '../shell/TenantBrand.tsx';

const TENANT_KEY = 'aftersales.tenant';

/** Only same-site paths: never an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { status, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const form = useForm({
    mode: 'controlled',
    initialValues: { tenant: safeStorage.get(TENANT_KEY) ?? 'demo', email: '', password: '' },
    validate: {
      tenant: (v) => (v.trim() ? null : t('validation.required')),
      email: (v) => (v.trim() ? null : t('validation.required')),
      password: (v) => (v ? null : t('validation.required')),
    },
  });
  const [tenantCode] = useDebouncedValue(form.values.tenant.trim().toLowerCase(), 350);
  const [tenant, setTenant] = useState<PublicTenant | null>(null);

  useEffect(() => {
    let cancelled = false;
    if (!tenantCode) {
      setTenant(null);
      return;
    }
    api
      .get(`/public/tenants/${encodeURIComponent(tenantCode)}`, PublicTenant)
      .then((tn) => !cancelled && setTenant(tn))
      .catch(() => !cancelled && setTenant(null));
    return () => {
      cancelled = true;
    };
  }, [tenantCode]);

  const { submit, submitting, error } = useSubmit(form, async (values: typeof form.values) => {
    const tenantSlug = values.tenant.trim().toLowerCase();
    await login({ tenant: tenantSlug, email: values.email.trim(), password: values.password });
    safeStorage.set(TENANT_KEY, tenantSlug);
    navigate(next, { replace: true });
  });

  if (status === 'authenticated') return <Navigate to={next} replace />;

  return (
    <Box className="app-login-bg">
      <Group justify="flex-end" p="md" gap="sm">
        <LanguageSwitch size="sm" />
        <ColorSchemeToggle />
      </Group>
      <Center px="md" pb={64} pt={{ base: 8, sm: 40 }}>
        <Stack w="100%" maw={420} gap="lg">
          <Stack gap={6} align="center">
            <Title order={2} ta="center" fw={650} data-testid="login-title">
              {t('login.title')}
            </Title>
            <Text c="dimmed" size="sm" ta="center">
              {t('login.subtitle')}
            </Text>
          </Stack>
          <Paper withBorder shadow="md" p={{ base: 'lg', sm: 32 }} radius="lg">
            <form onSubmit={form.onSubmit(submit)} noValidate data-testid="login-form">
              <Stack gap="md">
                {tenant && (
                  <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-default-hover)" data-testid="login-tenant-brand">
                    <TenantBrand name={tenant.name} logo={tenant.logo} size={28} wrap />
                  </Paper>
                )}
                <TextInput
                  label={t('login.tenant')}
                  description={t('login.tenantHint')}
                  leftSection={<IconBuilding size={16} />}
                  autoComplete="organization"
                  data-testid="login-tenant"
                  {...form.getInputProps('tenant')}
                />
                <TextInput label={t('login.email')} type="email" leftSection={<IconMail size={16} />} autoComplete="username" data-testid="login-email" {...form.getInputProps('email')} />
                <PasswordInput label={t('login.password')} leftSection={<IconLock size={16} />} autoComplete="current-password" data-testid="login-password" {...form.getInputProps('password')} />
                <ErrorAlert error={error} title={t('login.failed')} />
                <Button type="submit" fullWidth size="md" loading={submitting} data-testid="login-submit">
                  {t('login.submit')}
                </Button>
              </Stack>
            </form>
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            {t('login.help')}{' '}
            <Anchor href="/api/docs" size="xs">
              {t('login.apiDocs')}
            </Anchor>
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
