import { Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title, UnstyledButton } from '@mantine/core';
import { IconClock, IconLanguage, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth, useMe } from '../auth/AuthContext.tsx';
import { RoleBadges } from '../components/RoleBadges.tsx';
import { pages } from '../nav.tsx';

function greetingKey(hour: number) {
  if (hour < 12) return 'home.morning' as const;
  if (hour < 18) return 'home.afternoon' as const;
  return 'home.evening' as const;
}

export default function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { allows } = useAuth();
  const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: me.timeZone }).format(new Date()));
  const shortcuts = pages.filter((p) => p.path !== '/' && allows(p.access));
  return (
    <Stack gap="xl" data-testid="home-page">
      <Card withBorder radius="lg" p="xl">
        <Stack gap="sm">
          <Title order={2} fw={600} data-testid="welcome">
            {t(greetingKey(hour), { name: me.name })}
          </Title>
          <Text c="dimmed">{t('home.intro', { tenant: me.tenantName })}</Text>
          <Group gap="xs" mt={4}>
            <Text size="sm" fw={500}>
              {t('home.yourRoles')}
            </Text>
            <RoleBadges value={me.roles} />
          </Group>
        </Stack>
      </Card>

      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <InfoCard icon={<IconShieldCheck size={20} />} label={t('home.permissions')} value={t('home.permissionCount', { count: me.permissions.length })} />
        <InfoCard icon={<IconClock size={20} />} label={t('home.timeZone')} value={me.timeZone} />
        <InfoCard icon={<IconLanguage size={20} />} label={t('home.language')} value={t(`languages.${me.locale}`)} />
      </SimpleGrid>

      {shortcuts.length > 0 && (
        <Stack gap="sm">
          <Title order={4} fw={600}>
            {t('home.shortcuts')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="home-shortcuts">
            {shortcuts.map((p) => (
              <UnstyledButton key={p.path} component={Link} to={p.path}>
                <Card withBorder radius="md" p="md" h="100%">
                  <Group gap="sm" wrap="nowrap">
                    <ThemeIcon variant="light" size={38} radius="md">
                      <p.icon size={20} stroke={1.6} />
                    </ThemeIcon>
                    <Text fw={500}>{t(p.label)}</Text>
                  </Group>
                </Card>
              </UnstyledButton>
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </Stack>
  );
}

function InfoCard({ icon, label, value }: { icon: React.ReactNode; label: string; value: string }) {
  return (
    <Card withBorder radius="md" p="md">
      <Group gap="sm" wrap="nowrap">
        <ThemeIcon variant="light" color="gray" size={40} radius="md">
          {icon}
        </ThemeIcon>
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          <Text fw={500}>{value}</Text>
        </div>
      </Group>
    </Card>
  );
}
