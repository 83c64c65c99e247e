import { Group, Kbd, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const keys = [
  ['r', 'reply'],
  ['n', 'note'],
  ['Ctrl/⌘ + Enter', 'send'],
  ['j', 'next'],
  ['k', 'previous'],
  ['Enter / o', 'open'],
  ['/', 'search'],
  ['?', 'help'],
] as const;

export function ShortcutsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('shortcuts.title')} centered data-testid="shortcuts-modal">
      <Stack gap="xs">
        {keys.map(([k, what]) => (
          <Group key={k} justify="space-between">
            <Text size="sm">{t(`shortcuts.${what}`)}</Text>
            <Kbd>{k}</Kbd>
          </Group>
        ))}
      </Stack>
    </Modal>
  );
}
