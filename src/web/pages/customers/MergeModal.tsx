import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { MergeResult } from '../../../modules/customer360/customer360.contract.ts';
import { PossibleDuplicate, type Customer } from '../../../modules/customers/customers.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { notifySuccess } from '../../components/notify.ts';
import { useApiGet } from '../../lib/useApi.ts';
import { CustomerSelect } from '../tickets/CustomerPicker.tsx';

interface Props {
  survivor: Customer | null;
  onClose: () => void;
  onMerged: () => void;
}

/** Picks the customer to merge into this one (possible duplicates offered first) and merges after a warning. */
export function MergeModal({ survivor, onClose, onMerged }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={!!survivor} onClose={onClose} title={survivor ? t('customer360.mergeTitle', { name: survivor.name }) : ''} size="lg" centered data-testid="merge-modal">
      {survivor && <MergeForm survivor={survivor} onClose={onClose} onMerged={onMerged} />}
    </Modal>
  );
}

function MergeForm({ survivor, onClose, onMerged }: { survivor: Customer; onClose: () => void; onMerged: () => void }) {
  const { t } = useTranslation();
  const [other, setOther] = useState<Customer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const candidates = useApiGet(`/customers/${survivor.id}/possible-duplicates`, z.array(PossibleDuplicate));
  const pick = async (id: string) => setOther(await api.get(`/customers/${id}`, z.custom<Customer>()));
  const merge = async () => {
    if (!other) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.post(`/customers/${survivor.id}/merge`, { mergeId: other.id, version: survivor.version, mergeVersion: other.version }, MergeResult);
      notifySuccess(t('customer360.merged', { orders: res.moved.orders, tickets: res.moved.tickets }));
      onMerged();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="sm">
      {(candidates.data ?? []).length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('customer360.possibleDuplicates')}
          </Text>
          {(candidates.data ?? []).map((d) => (
            <Button key={d.customerId} variant={other?.id === d.customerId ? 'light' : 'subtle'} justify="flex-start" onClick={() => void pick(d.customerId)}>
              {d.name}
            </Button>
          ))}
        </Stack>
      )}
      <CustomerSelect label={t('customer360.mergePick')} value={other} onChange={(c) => setOther(c && c.id !== survivor.id ? c : null)} data-testid="merge-pick" />
      {other && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
          {t('customer360.mergeExplain', { name: survivor.name })}
        </Alert>
      )}
      <ErrorAlert error={error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('customer360.cancel')}
        </Button>
        <Button color="orange" disabled={!other} loading={busy} onClick={() => void merge()} data-testid="merge-confirm">
          {t('customer360.mergeConfirm')}
        </Button>
      </Group>
    </Stack>
  );
}
