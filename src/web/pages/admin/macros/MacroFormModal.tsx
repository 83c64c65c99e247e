import { useRef, useState } from 'react';
import { Badge, Button, Group, Input, Modal, Paper, SegmentedControl, Select, SimpleGrid, Stack, Switch, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { Macro, type MacroActions } from '../../../../modules/tickets/macros.contract.ts';
import { TicketPriority, TicketStatus } from '../../../../modules/tickets/tickets.contract.ts';
import { api } from '../../../api.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useIdempotencyKey, useSubmit } from '../../../components/forms.ts';
import type { Directory } from '../../../lib/directory.ts';

/** What applyMacro fills in (macros.service renderMacro); unknown variables stay visible in the reply. */
export const macroVariables = ['customer.name', 'ticket.number', 'ticket.subject', 'agent.name'] as const;
/** i18next reads dots as nesting: the catalogues name them with _ */
const varKeys = { 'customer.name': 'customer_name', 'ticket.number': 'ticket_number', 'ticket.subject': 'ticket_subject', 'agent.name': 'agent_name' } as const;
const isVariable = (name: string): name is (typeof macroVariables)[number] => (macroVariables as readonly string[]).includes(name);
const NO_CHANGE = '__keep';
const CLEAR = '__clear';

interface Props {
  macro: Macro | null;
  dir: Directory;
  /** the preview's {{agent.name}} */
  agentName: string;
  onClose: () => void;
  onSaved: (m: Macro, created: boolean) => void;
}

export function MacroFormModal(props: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={props.onClose} title={props.macro ? t('ticketConfig.macros.editTitle', { name: props.macro.name }) : t('ticketConfig.macros.createTitle')} size="xl" centered data-testid="macro-form-modal">
      <MacroForm {...props} />
    </Modal>
  );
}

/** null in the API = clear the field, undefined = leave it; the selects show both as choices. */
const pick = (v: string | null | undefined) => (v === undefined ? NO_CHANGE : v === null ? CLEAR : v);
const unpick = (v: string) => (v === NO_CHANGE ? undefined : v === CLEAR ? null : v);

function valuesOf(m: Macro | null) {
  return {
    name: m?.name ?? '',
    kind: m?.kind ?? ('public' as Macro['kind']),
    body: m?.body ?? '',
    status: (m?.actions.status ?? NO_CHANGE) as string,
    priority: (m?.actions.priority ?? NO_CHANGE) as string,
    addTags: m?.actions.addTags ?? [],
    teamId: pick(m?.actions.teamId),
    assigneeId: pick(m?.actions.assigneeId),
    shared: m?.shared ?? true,
  };
}

function MacroForm({ macro, dir, agentName, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(macro?.version ?? 0);
  const [key, renewKey] = useIdempotencyKey();
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const form = useForm({ mode: 'controlled', initialValues: valuesOf(macro), validate: { name: (v) => (v.trim() ? null : t('validation.required')) } });
  const v = form.values;

  const { submit, submitting, error, clearError } = useSubmit(form, async (vals: typeof form.values) => {
    const actions: MacroActions = {
      ...(vals.status !== NO_CHANGE ? { status: vals.status as TicketStatus } : {}),
      ...(vals.priority !== NO_CHANGE ? { priority: vals.priority as TicketPriority } : {}),
      ...(vals.addTags.length ? { addTags: vals.addTags } : {}),
      ...(unpick(vals.teamId) !== undefined ? { teamId: unpick(vals.teamId) } : {}),
      ...(unpick(vals.assigneeId) !== undefined ? { assigneeId: unpick(vals.assigneeId) } : {}),
    };
    const body = { name: vals.name.trim(), kind: vals.kind, body: vals.body, actions, shared: vals.shared };
    try {
      const saved = macro ? await api.patch(`/macros/${macro.id}`, { version, ...body }, Macro) : await api.create('/macros', body, Macro, key);
      renewKey();
      onSaved(saved, !macro);
    } catch (e) {
      renewKey();
      throw e;
    }
  });
  const reloadLatest = async () => {
    const latest = (await api.get('/macros', Macro.array())).find((m) => m.id === macro?.id);
    if (latest) {
      setVersion(latest.version);
      form.setValues(valuesOf(latest));
    }
    clearError();
  };

  /** Puts the variable where the cursor is (or at the end) and keeps typing there. */
  const insert = (name: string) => {
    const el = bodyRef.current;
    const token = `{{${name}}}`;
    const at = el ? el.selectionStart : v.body.length;
    const end = el ? el.selectionEnd : v.body.length;
    form.setFieldValue('body', v.body.slice(0, at) + token + v.body.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + token.length, at + token.length);
    });
  };
  const preview = v.body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) =>
    name === 'agent.name' && agentName ? agentName : isVariable(name) ? t(`ticketConfig.macros.sample.${varKeys[name]}`) : whole,
  );
  const choice = (clearLabel: string, items: { value: string; label: string }[]) => [{ value: NO_CHANGE, label: t('ticketConfig.macros.noChange') }, { value: CLEAR, label: clearLabel }, ...items];

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('ticketConfig.macros.name')} required data-testid="macro-name" {...form.getInputProps('name')} />
          <Input.Wrapper label={t('ticketConfig.macros.kind')}>
            <SegmentedControl
              fullWidth
              mt={4}
              value={v.kind}
              onChange={(k) => form.setFieldValue('kind', k === 'note' ? 'note' : 'public')}
              data={[
                { value: 'public', label: t('ticketConfig.macros.kindPublic') },
                { value: 'note', label: t('ticketConfig.macros.kindNote') },
              ]}
              data-testid="macro-kind"
            />
          </Input.Wrapper>
        </SimpleGrid>
        <Textarea ref={bodyRef} label={t('ticketConfig.macros.body')} description={t('ticketConfig.macros.bodyHint')} autosize minRows={4} maxRows={12} data-testid="macro-body" {...form.getInputProps('body')} />
        <div>
          <Text size="xs" c="dimmed" mb={4}>
            {t('ticketConfig.macros.variables')}
          </Text>
          <Group gap={6}>
            {macroVariables.map((name) => (
              <Badge key={name} component="button" type="button" variant="light" tt="none" style={{ cursor: 'pointer' }} onClick={() => insert(name)} title={`{{${name}}}`} data-testid={`macro-var-${name}`}>
                {t(`ticketConfig.macros.var.${varKeys[name]}`)} · {`{{${name}}}`}
              </Badge>
            ))}
          </Group>
        </div>
        {v.body.trim() && (
          <Paper withBorder p="sm" radius="md" bg="var(--mantine-color-default-hover)">
            <Text size="xs" c="dimmed" mb={4}>
              {t('ticketConfig.macros.preview')}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="macro-preview">
              {preview}
            </Text>
          </Paper>
        )}
        <Text size="sm" fw={600}>
          {t('ticketConfig.macros.actions')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label={t('ticketConfig.macros.status')} data={[{ value: NO_CHANGE, label: t('ticketConfig.macros.noChange') }, ...TicketStatus.options.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))]} allowDeselect={false} data-testid="macro-status" {...form.getInputProps('status')} />
          <Select label={t('ticketConfig.macros.priority')} data={[{ value: NO_CHANGE, label: t('ticketConfig.macros.noChange') }, ...TicketPriority.options.map((p) => ({ value: p, label: t(`tickets.priority.${p}`) }))]} allowDeselect={false} data-testid="macro-priority" {...form.getInputProps('priority')} />
          <Select label={t('ticketConfig.macros.team')} data={choice(t('ticketConfig.macros.clearTeam'), dir.teams.map((tm) => ({ value: tm.id, label: tm.name })))} allowDeselect={false} searchable data-testid="macro-team" {...form.getInputProps('teamId')} />
          <Select label={t('ticketConfig.macros.assignee')} data={choice(t('ticketConfig.macros.clearAssignee'), [...dir.users.values()].map((u) => ({ value: u.id, label: u.name })))} allowDeselect={false} searchable data-testid="macro-assignee" {...form.getInputProps('assigneeId')} />
        </SimpleGrid>
        <TagsInput label={t('ticketConfig.macros.addTags')} placeholder={t('tickets.tagsPlaceholder')} maxTags={20} data-testid="macro-tags" {...form.getInputProps('addTags')} />
        <Switch label={t('ticketConfig.macros.shared')} description={t('ticketConfig.macros.sharedHint')} data-testid="macro-shared" {...form.getInputProps('shared', { type: 'checkbox' })} />
        <ErrorAlert error={error} onRetry={error?.isVersionConflict ? () => void reloadLatest() : undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting} data-testid="macro-submit">
            {macro ? t('common.save') : t('ticketConfig.macros.submitCreate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
