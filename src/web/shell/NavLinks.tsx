import { NavLink, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthContext.tsx';
import { pages, sectionOrder, type NavSection } from '../nav.tsx';

const sectionLabel = { main: null, organisation: 'nav.sectionOrganisation', admin: 'nav.sectionAdmin' } as const satisfies Record<NavSection, string | null>;

/** The navbar: the page table filtered by the user's permissions, grouped by section. */
export function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const { allows } = useAuth();
  const { pathname } = useLocation();
  const visible = pages.filter((p) => allows(p.access));
  return (
    <Stack gap="lg" data-testid="navbar">
      {sectionOrder.map((section) => {
        const entries = visible.filter((p) => p.section === section);
        if (entries.length === 0) return null;
        const label = sectionLabel[section];
        return (
          <Stack gap={2} key={section} data-testid={`nav-section-${section}`}>
            {label && (
              <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mb={4} style={{ letterSpacing: 0.4 }}>
                {t(label)}
              </Text>
            )}
            {entries.map((p) => {
              const active = p.path === '/' ? pathname === '/' : pathname === p.path || pathname.startsWith(`${p.path}/`);
              return (
                <NavLink
                  key={p.path}
                  component={Link}
                  to={p.path}
                  label={t(p.label)}
                  leftSection={<p.icon size={18} stroke={1.6} />}
                  active={active}
                  variant="light"
                  onClick={onNavigate}
                  data-testid={p.testId}
                  style={{ borderRadius: 'var(--mantine-radius-md)' }}
                />
              );
            })}
          </Stack>
        );
      })}
    </Stack>
  );
}
