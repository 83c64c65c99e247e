import { ActionIcon, Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

interface Props {
  /** null hides the dialog */
  secret: string | null;
  title: string;
  description: string;
  onClose: () => void;
}

/** Shows a secret (API token, webhook signing key, temporary password) once, with a copy button. */
export function SecretModal({ secret, title, description, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title} centered size="lg" closeOnClickOutside={false} data-testid="secret-modal">
      <Stack>
        <Alert color="yellow" variant="light" icon={<IconKey size={18} />}>
          <Text size="sm">{description}</Text>
        </Alert>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap', fontSize: 14 }} data-testid="secret-value">
            {secret}
          </Code>
          <CopyButton value={secret ?? ''} timeout={2000}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
                <ActionIcon size="lg" variant="light" color={copied ? 'teal' : 'blue'} onClick={copy} aria-label={t('common.copy')} data-testid="secret-copy">
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Group justify="flex-end">
          <Button onClick={onClose} data-testid="secret-done">
            {t('common.secretDone')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
