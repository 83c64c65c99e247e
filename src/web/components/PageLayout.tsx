import type { ReactNode } from 'react';
import { Group, Stack, Text, Title } from '@mantine/core';

interface Props {
  title: string;
  description?: string;
  /** buttons on the right of the title */
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
}

/** Every page: a title row (with optional description and actions) above the content. */
export function PageLayout({ title, description, actions, children, testId }: Props) {
  return (
    <Stack gap="lg" data-testid={testId}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <div>
          <Title order={2} fw={600} data-testid="page-title">
            {title}
          </Title>
          {description && (
            <Text c="dimmed" size="sm" mt={4}>
              {description}
            </Text>
          )}
        </div>
        {actions && <Group gap="sm">{actions}</Group>}
      </Group>
      {children}
    </Stack>
  );
}
