import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api.ts';

interface Props {
  error: ApiError | null | undefined;
  /** offered as a button: retry a failed load, or reload after a version conflict */
  onRetry?: () => void;
  title?: string;
}

/** Shows the server's (already localised) message; a stale-version 409 offers to reload. */
export function ErrorAlert({ error, onRetry, title }: Props) {
  const { t } = useTranslation();
  if (!error) return null;
  const conflict = error.isVersionConflict;
  return (
    <Alert color={conflict ? 'orange' : 'red'} variant="light" icon={<IconAlertCircle size={18} />} title={title ?? (conflict ? t('errors.conflictTitle') : t('errors.title'))} data-testid="error-alert">
      <Text size="sm" data-testid="error-message">
        {error.message}
      </Text>
      {error.requestId && error.status >= 500 && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('errors.requestId', { id: error.requestId })}
        </Text>
      )}
      {onRetry && (
        <Group mt="sm">
          <Button size="xs" variant="white" color={conflict ? 'orange' : 'red'} onClick={onRetry} data-testid="error-retry">
            {conflict ? t('errors.reload') : t('common.retry')}
          </Button>
        </Group>
      )}
    </Alert>
  );
}
