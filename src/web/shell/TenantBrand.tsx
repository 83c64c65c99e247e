import { Group, Image, Text, ThemeIcon } from '@mantine/core';
import { IconHeadset } from '@tabler/icons-react';

/** The organisation's logo (or a default mark) and name. */
export function TenantBrand({ name, logo, size = 32, wrap = false }: { name: string; logo: string | null; size?: number; wrap?: boolean }) {
  return (
    <Group gap="sm" wrap="nowrap" miw={0}>
      {logo ? (
        <Image src={logo} alt="" h={size} w="auto" maw={size * 3} fit="contain" data-testid="tenant-logo" />
      ) : (
        <ThemeIcon size={size} radius="md" variant="gradient" gradient={{ from: 'blue.6', to: 'cyan.5', deg: 135 }}>
          <IconHeadset size={size * 0.6} stroke={1.7} />
        </ThemeIcon>
      )}
      <Text fw={600} size="md" truncate={wrap ? undefined : 'end'} lh={1.3} data-testid="tenant-name">
        {name}
      </Text>
    </Group>
  );
}
