import { Code, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../../../platform/audit/audit.contract.ts';

function Json({ label, value }: { label: string; value: unknown }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase">
        {label}
      </Text>
      {value === null || value === undefined ? (
        <Text size="sm" c="dimmed">
          {t('audit.none')}
        </Text>
      ) : (
        <Code block className="app-json">
          {JSON.stringify(value, null, 2)}
        </Code>
      )}
    </Stack>
  );
}

/** The expanded row: before and after, side by side, plus the request id. */
export function AuditDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" p="xs" data-testid="audit-detail">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Json label={t('audit.before')} value={entry.before} />
        <Json label={t('audit.after')} value={entry.after} />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('audit.entityId')}: <Code>{entry.entityId}</Code>
        {entry.requestId && (
          <>
            {'  ·  '}
            {t('audit.requestId')}: <Code>{entry.requestId}</Code>
          </>
        )}
      </Text>
    </Stack>
  );
}

/** A human hint of what the entry is about: the name, e-mail or URL in its data. */
export function auditSubject(entry: AuditEntry): string | null {
  for (const v of [entry.after, entry.before]) {
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of ['name', 'email', 'url']) if (typeof o[k] === 'string' && o[k]) return o[k] as string;
    }
  }
  return null;
}
