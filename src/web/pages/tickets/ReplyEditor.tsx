import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { ActionIcon, Badge, Button, Group, Kbd, Loader, Menu, Paper, SegmentedControl, Text, Textarea, Tooltip } from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { IconAt, IconLock, IconPaperclip, IconSend, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { MessageKind } from '../../../modules/tickets/tickets.contract.ts';
import { UploadedFile } from '../../../modules/channels/channels.contract.ts';
import { ApiError, api } from '../../api.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import i18n from '../../i18n/index.ts';

/** Files per reply (the server's limit, AddMessageWithFiles). */
const MAX_FILES = 10;

/** Sends the file's bytes to POST /api/v1/files (not JSON, so not through api.request). */
async function uploadFile(file: File, csrfToken: string | null | undefined): Promise<UploadedFile> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/files?filename=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/octet-stream', 'x-file-type': file.type || 'application/octet-stream', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
      body: file,
    });
  } catch {
    throw new ApiError({ status: 0, code: 'network', message: i18n.t('errors.network') });
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; message?: string };
    throw new ApiError({ status: res.status, code: p.code ?? `http_${res.status}`, message: p.message ?? i18n.t('errors.http', { status: res.status }) });
  }
  return UploadedFile.parse(data);
}

interface Pending {
  key: string;
  name: string;
  file: UploadedFile | null;
}

export interface ReplyEditorHandle {
  focus: (kind: 'public' | 'note') => void;
}

interface Props {
  users: { id: string; name: string }[];
  onSend: (kind: Exclude<MessageKind, 'auto'>, body: string) => Promise<boolean>;
  disabled?: boolean;
  /** the ticket replied to; defaults to the :id of the current route */
  ticketId?: string;
}

/**
 * Public reply or internal note; @ inserts a colleague's name; Ctrl/⌘+Enter sends. The text survives reloads of
 * the ticket. Files are uploaded as soon as they are picked; a message with files goes to
 * POST /tickets/:id/replies (the files travel with the mail), one without through onSend.
 */
export const ReplyEditor = forwardRef<ReplyEditorHandle, Props>(function ReplyEditor({ users, onSend, disabled, ticketId }, ref) {
  const { t } = useTranslation();
  const params = useParams();
  const { me } = useAuth();
  const target = ticketId ?? params.id;
  const [files, setFiles] = useState<Pending[]>([]);
  const picker = useRef<HTMLInputElement>(null);
  const uploading = files.some((f) => !f.file);
  const [kind, setKind] = useState<'public' | 'note'>('public');
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const [mentionOpen, setMentionOpen] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);

  useImperativeHandle(ref, () => ({
    focus: (k) => {
      setKind(k);
      area.current?.focus();
    },
  }));

  const pick = async (list: FileList | null) => {
    const chosen = [...(list ?? [])];
    if (picker.current) picker.current.value = '';
    if (files.length + chosen.length > MAX_FILES) {
      notifyError(new ApiError({ status: 0, code: 'too_many_files', message: t('mailAdmin.tooMany', { count: MAX_FILES }) }));
      return;
    }
    const pending = chosen.map((f, i) => ({ key: `${Date.now()}-${i}-${f.name}`, name: f.name, file: null }));
    setFiles((prev) => [...prev, ...pending]);
    await Promise.all(
      chosen.map(async (f, i) => {
        const key = pending[i].key;
        try {
          const up = await uploadFile(f, me?.csrfToken);
          setFiles((prev) => prev.map((p) => (p.key === key ? { ...p, file: up } : p)));
        } catch (e) {
          setFiles((prev) => prev.filter((p) => p.key !== key));
          notifyError(e);
        }
      }),
    );
  };

  const send = async () => {
    if (!body.trim() || sending || uploading) return;
    setSending(true);
    let ok: boolean;
    if (files.length && target) {
      try {
        await api.create(`/tickets/${target}/replies`, { kind, body: body.trim(), attachmentIds: files.map((f) => f.file!.id) });
        // the ticket page reloads from its event stream (ticket_message.created)
        notifySuccess(kind === 'note' ? t('tickets.noteAdded') : t('tickets.replySent'));
        ok = true;
      } catch (e) {
        notifyError(e);
        ok = false;
      }
    } else {
      ok = await onSend(kind, body.trim());
    }
    setSending(false);
    if (ok) {
      setBody('');
      setFiles([]);
    }
  };

  const insertMention = (name: string) => {
    const el = area.current;
    const at = el?.selectionStart ?? body.length;
    // replace a just-typed "@" rather than adding a second one
    const before = body.slice(0, at).replace(/@$/, '');
    const next = `${before}@${name} ${body.slice(at)}`;
    setBody(next);
    setMentionOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      const pos = before.length + name.length + 2;
      el?.setSelectionRange(pos, pos);
    });
  };

  const note = kind === 'note';
  return (
    <Paper withBorder p="sm" radius="md" bg={note ? 'var(--mantine-color-yellow-light)' : undefined} data-testid="reply-editor">
      <Group justify="space-between" mb="xs">
        <SegmentedControl
          size="xs"
          value={kind}
          onChange={(v) => setKind(v === 'note' ? 'note' : 'public')}
          data={[
            { value: 'public', label: t('tickets.publicReply') },
            { value: 'note', label: t('tickets.internalNote') },
          ]}
          data-testid="reply-kind"
        />
        <Menu opened={mentionOpen} onChange={setMentionOpen} position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="xs" variant="subtle" leftSection={<IconAt size={14} />} data-testid="mention-button">
              {t('tickets.mention')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown mah={260} style={{ overflowY: 'auto' }}>
            {users.map((u) => (
              <Menu.Item key={u.id} onClick={() => insertMention(u.name)} data-testid="mention-option">
                {u.name}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <Textarea
        ref={area}
        value={body}
        onChange={(e) => {
          const v = e.currentTarget.value;
          setBody(v);
          if (v.endsWith('@') && v.length > body.length) setMentionOpen(true);
        }}
        onKeyDown={getHotkeyHandler([['mod+Enter', () => void send()]])}
        placeholder={note ? t('tickets.notePlaceholder') : t('tickets.replyPlaceholder')}
        autosize
        minRows={3}
        maxRows={14}
        disabled={disabled}
        aria-label={note ? t('tickets.internalNote') : t('tickets.publicReply')}
        data-testid="reply-body"
      />
      {files.length > 0 && (
        <Group gap={6} mt="xs" data-testid="reply-files">
          {files.map((f) => (
            <Badge
              key={f.key}
              variant="light"
              tt="none"
              leftSection={f.file ? <IconPaperclip size={12} /> : <Loader size={10} />}
              rightSection={
                <ActionIcon size="xs" variant="transparent" onClick={() => setFiles((prev) => prev.filter((p) => p.key !== f.key))} aria-label={t('mailAdmin.removeFile', { name: f.name })}>
                  <IconX size={10} />
                </ActionIcon>
              }
              data-testid="reply-file"
              data-uploaded={f.file ? 'true' : 'false'}
            >
              {f.name}
            </Badge>
          ))}
        </Group>
      )}
      <Group justify="space-between" mt="xs">
        <input ref={picker} type="file" multiple hidden onChange={(e) => void pick(e.currentTarget.files)} data-testid="reply-file-input" />
        <Tooltip label={t('mailAdmin.attachHint')} withArrow disabled={!target}>
          <Button size="xs" variant="subtle" leftSection={<IconPaperclip size={14} />} onClick={() => picker.current?.click()} disabled={disabled || !target} data-testid="reply-attach">
            {uploading ? t('mailAdmin.uploading') : t('mailAdmin.attach')}
          </Button>
        </Tooltip>
        <Text size="xs" c="dimmed" style={{ flex: 1 }}>
          <Kbd size="xs">Ctrl</Kbd>/<Kbd size="xs">⌘</Kbd> + <Kbd size="xs">Enter</Kbd> {t('tickets.toSend')}
        </Text>
        <Button
          size="sm"
          color={note ? 'yellow' : undefined}
          leftSection={note ? <IconLock size={14} /> : <IconSend size={14} />}
          onClick={() => void send()}
          loading={sending}
          disabled={disabled || !body.trim() || uploading}
          data-testid="reply-send"
        >
          {note ? t('tickets.addNote') : t('tickets.sendReply')}
        </Button>
      </Group>
    </Paper>
  );
});
