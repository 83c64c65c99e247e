import { Button, Menu, Text } from '@mantine/core';
import { IconBolt } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { Macro } from '../../../modules/tickets/macros.contract.ts';
import { Ticket, TicketMessage } from '../../../modules/tickets/tickets.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { useApiGet } from '../../lib/useApi.ts';

const Macros = z.array(Macro);
const Applied = z.object({ ticket: Ticket, message: TicketMessage.nullable() });

/** Macros: a rendered reply plus field changes in one step (POST /tickets/:id/apply-macro, with the version read). */
export function MacroMenu({ ticket, onApplied, onConflict, disabled }: { ticket: Ticket; onApplied: () => void; onConflict: (e: ApiError) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const macros = useApiGet('/macros', Macros);
  const apply = async (m: Macro) => {
    try {
      await api.post(`/tickets/${ticket.id}/apply-macro`, { version: ticket.version, macroId: m.id }, Applied);
      notifySuccess(t('tickets.macroApplied', { name: m.name }));
      onApplied();
    } catch (e) {
      const err = toApiError(e);
      if (err.isVersionConflict) onConflict(err);
      else notifyError(err);
    }
  };
  const list = macros.data ?? [];
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="default" leftSection={<IconBolt size={14} />} disabled={disabled} data-testid="macro-menu">
          {t('tickets.macros')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
        {list.length === 0 && (
          <Text size="sm" c="dimmed" p="xs">
            {t('tickets.noMacros')}
          </Text>
        )}
        {list.map((m) => (
          <Menu.Item key={m.id} onClick={() => void apply(m)} data-testid="macro-option">
            <Text size="sm">{m.name}</Text>
            <Text size="xs" c="dimmed" lineClamp={1}>
              {m.kind === 'note' ? t('tickets.internalNote') : t('tickets.publicReply')}
              {m.body ? ` · ${m.body}` : ''}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
