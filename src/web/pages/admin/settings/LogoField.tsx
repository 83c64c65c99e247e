import { useState } from 'react';
import { Button, FileButton, Group, Image, Paper, Stack, Text } from '@mantine/core';
import { IconPhoto, IconTrash, IconUpload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export const LOGO_MAX_BYTES = 200 * 1024;
const accepted = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'];

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/** Logo as a data: URL (≤ 200 kB): upload from a file, preview, remove. */
export function LogoField({ value, onChange, error }: { value: string | null; onChange: (v: string | null) => void; error?: React.ReactNode }) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<string | null>(null);
  const pick = async (file: File | null) => {
    setProblem(null);
    if (!file) return;
    if (!accepted.includes(file.type)) return setProblem(t('settings.logoType'));
    if (file.size > LOGO_MAX_BYTES) return setProblem(t('settings.logoTooBig', { kb: Math.ceil(file.size / 1024), max: LOGO_MAX_BYTES / 1024 }));
    onChange(await readAsDataUrl(file));
  };
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {t('settings.logo')}
      </Text>
      <Group align="center" gap="md">
        <Paper withBorder radius="md" w={160} h={72} p={8} style={{ display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          {value ? <Image src={value} alt="" fit="contain" h={56} w="auto" maw={144} data-testid="settings-logo-preview" /> : <IconPhoto size={28} color="var(--mantine-color-dimmed)" />}
        </Paper>
        <Group gap="xs">
          <FileButton onChange={(f) => void pick(f)} accept={accepted.join(',')}>
            {(props) => (
              <Button variant="default" leftSection={<IconUpload size={16} />} data-testid="settings-logo-upload" {...props}>
                {t('settings.uploadLogo')}
              </Button>
            )}
          </FileButton>
          {value && (
            <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => onChange(null)} data-testid="settings-logo-remove">
              {t('settings.removeLogo')}
            </Button>
          )}
        </Group>
      </Group>
      <Text size="xs" c={problem || error ? 'red' : 'dimmed'} data-testid="settings-logo-hint">
        {problem ?? error ?? t('settings.logoHint', { max: LOGO_MAX_BYTES / 1024 })}
      </Text>
    </Stack>
  );
}
