import { useEffect, useRef } from 'react';
import { Anchor, Badge, Group, Image, Stack } from '@mantine/core';
import { IconDownload, IconPaperclip } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { MessageMail, type Attachment } from '../../../modules/channels/channels.contract.ts';
import { useApiGet } from '../../lib/useApi.ts';

const MessageMails = z.array(MessageMail);

/** Raster images the browser shows from our download URL; SVG and the rest are served as downloads only. */
const previewable = (contentType: string) => /^image\/(png|jpe?g|gif|webp|bmp)$/i.test(contentType);

export function fileSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${Math.round(n / 1024 / 102.4) / 10} MB`;
}

/**
 * The files of every message of a ticket, by message id: one request per ticket (GET /tickets/:id/attachments)
 * instead of one per message. `revision` is the message count: a new reply with files reloads the list.
 */
export function useTicketAttachments(ticketId: string, revision: number): Map<string, Attachment[]> {
  const files = useApiGet(`/tickets/${ticketId}/attachments`, MessageMails);
  const reload = files.reload;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else reload();
  }, [revision, reload]);
  return new Map((files.data ?? []).map((m) => [m.messageId, m.attachments]));
}

/** The same for every message, whoever wrote it: image previews, then each file with its size as a download link. */
export function MessageAttachments({ files }: { files: Attachment[] }) {
  const { t } = useTranslation();
  if (files.length === 0) return null;
  const images = files.filter((f) => previewable(f.contentType));
  return (
    <Stack gap={6} mt="xs" data-testid="message-attachments" aria-label={t('tickets.attachmentsLabel')}>
      {images.length > 0 && (
        <Group gap="xs">
          {images.map((f) => (
            <Anchor key={f.fileId} href={f.url} download={f.filename} title={f.filename}>
              <Image src={f.url} alt={f.filename} h={96} w="auto" maw={200} fit="contain" radius="sm" style={{ border: '1px solid var(--mantine-color-default-border)' }} data-testid="attachment-preview" />
            </Anchor>
          ))}
        </Group>
      )}
      <Group gap={6}>
        {files.map((f) => (
          <Anchor key={f.fileId} href={f.url} download={f.filename} underline="never" aria-label={t('tickets.downloadFile', { name: f.filename, size: fileSize(f.size) })} data-testid="message-attachment">
            <Badge variant="light" color="gray" tt="none" leftSection={<IconPaperclip size={12} />} rightSection={<IconDownload size={12} />} style={{ cursor: 'pointer' }}>
              <span data-testid="attachment-name">{f.filename}</span> · <span data-testid="attachment-size">{fileSize(f.size)}</span>
            </Badge>
          </Anchor>
        ))}
      </Group>
    </Stack>
  );
}
