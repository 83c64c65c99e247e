import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { Button, Group, Kbd, Menu, Paper, SegmentedControl, Text, Textarea } from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { IconAt, IconLock, IconSend } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { MessageKind } from '../../../modules/tickets/tickets.contract.ts';

export interface ReplyEditorHandle {
  focus: (kind: 'public' | 'note') => void;
}

interface Props {
  users: { id: string; name: string }[];
  onSend: (kind: Exclude<MessageKind, 'auto'>, body: string) => Promise<boolean>;
  disabled?: boolean;
}

/** Public reply or internal note; @ inserts a colleague's name; Ctrl/⌘+Enter sends. The text survives reloads of the ticket. */
export const ReplyEditor = forwardRef<ReplyEditorHandle, Props>(function ReplyEditor({ users, onSend, disabled }, ref) {
  const { t } = useTranslation();
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

  const send = async () => {
    if (!body.trim() || sending) return;
    setSending(true);
    const ok = await onSend(kind, body.trim());
    setSending(false);
    if (ok) setBody('');
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
      <Group justify="space-between" mt="xs">
        <Text size="xs" c="dimmed">
          <Kbd size="xs">Ctrl</Kbd>/<Kbd size="xs">⌘</Kbd> + <Kbd size="xs">Enter</Kbd> {t('tickets.toSend')}
        </Text>
        <Button
          size="sm"
          color={note ? 'yellow' : undefined}
          leftSection={note ? <IconLock size={14} /> : <IconSend size={14} />}
          onClick={() => void send()}
          loading={sending}
          disabled={disabled || !body.trim()}
          data-testid="reply-send"
        >
          {note ? t('tickets.addNote') : t('tickets.sendReply')}
        </Button>
      </Group>
    </Paper>
  );
});
