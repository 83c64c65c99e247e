import { useState } from 'react';
import { Alert, Anchor, Button, Checkbox, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, TagsInput, Text, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { ConsentChannel, Customer, PossibleDuplicate, type DuplicateMatch } from '../../../modules/customers/customers.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useIdempotencyKey } from '../../components/forms.ts';
import { useApiGet } from '../../lib/useApi.ts';

interface Props {
  opened: boolean;
  onClose: () => void;
  onCreated: (c: Customer) => void;
}

const Duplicates = z.array(PossibleDuplicate);
/** server paths of the arrays the form shows as single fields */
const fieldOf: Record<string, string> = { 'phones.0': 'phone', 'emails.0': 'email', 'externalIds.0': 'externalId', 'addresses.0.province': 'province', 'addresses.0.city': 'city', 'addresses.0.street': 'street' };

export function CreateCustomerModal({ opened, onClose, onCreated }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('customer360.create')} size="lg" centered data-testid="customer-form-modal">
      {opened && <CreateCustomerForm opened={opened} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function DuplicateWarning({ items, onCreateAnyway }: { items: (DuplicateMatch & { sameName?: boolean })[]; onCreateAnyway?: () => void }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={t('customer360.duplicateTitle')} data-testid="duplicate-warning">
      <Stack gap={4}>
        {items.map((d) => (
          <Group key={d.customerId} gap="xs" wrap="nowrap">
            <Text size="sm">
              {d.matched.length
                ? t('customer360.duplicateMatched', { name: d.name, what: d.matched.map((m) => t(`customer360.identity_${m.kind}`)).join('、') })
                : t('customer360.duplicateSameName', { name: d.name })}
            </Text>
            <Anchor component={Link} to={`/customers/${d.customerId}`} size="sm" data-testid="duplicate-open">
              {t('customer360.openExisting')}
            </Anchor>
          </Group>
        ))}
        {onCreateAnyway && (
          <Group>
            <Button size="xs" variant="light" color="orange" onClick={onCreateAnyway} data-testid="duplicate-create-anyway">
              {t('customer360.createAnyway')}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

function CreateCustomerForm({ onCreated, onClose }: Props) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'individual' | 'company'>('individual');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [externalId, setExternalId] = useState('');
  const [gender, setGender] = useState<string | null>('unknown');
  const [birthday, setBirthday] = useState('');
  const [language, setLanguage] = useState<string | null>('zh-CN');
  const [tags, setTags] = useState<string[]>([]);
  const [province, setProvince] = useState('');
  const [city, setCity] = useState('');
  const [district, setDistrict] = useState('');
  const [street, setStreet] = useState('');
  const [consents, setConsents] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState<DuplicateMatch[]>([]);
  const [busy, setBusy] = useState(false);
  const [key, renewKey] = useIdempotencyKey();
  // warn while typing: who already has this phone / e-mail / id, or exactly this name
  const [probe] = useDebouncedValue({ phone: phone.trim(), email: email.trim(), externalId: externalId.trim(), name: name.trim() }, 400);
  const anyProbe = probe.phone || probe.email || probe.externalId || probe.name;
  const warning = useApiGet(anyProbe ? '/customers/duplicates' : null, Duplicates, probe);

  const submit = async (onDuplicate: 'reject' | 'create_without_duplicates' = 'reject') => {
    const hasAddress = province.trim() || city.trim() || street.trim();
    const body = {
      kind,
      name,
      phones: phone.trim() ? [phone] : [],
      emails: email.trim() ? [email] : [],
      externalIds: externalId.trim() ? [externalId] : [],
      gender: gender ?? 'unknown',
      birthday: birthday || null,
      language: language ?? 'zh-CN',
      tags,
      addresses: hasAddress ? [{ province, city, district: district || null, street }] : [],
      consents: consents.map((channel) => ({ channel, granted: true, source: 'agent' })),
      note: note.trim() || undefined,
      onDuplicate,
    };
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const c = await api.create('/customers', body, Customer, onDuplicate === 'reject' ? key : `${key}-anyway`);
      onCreated(c);
    } catch (e) {
      const err = toApiError(e);
      renewKey();
      const mapped: Record<string, string> = {};
      for (const f of err.fieldErrors) mapped[fieldOf[f.path] ?? f.path] = f.message;
      setErrors(mapped);
      if (err.code === 'duplicate_customer') {
        // the 409 names the same customers the check does; ask it directly in case the typing warning has not loaded
        const res = await api.get('/customers/duplicates', Duplicates, { phone: phone.trim(), email: email.trim(), externalId: externalId.trim() }).catch(() => warning.data ?? []);
        setConflict(res.filter((d) => d.matched.length > 0));
      } else if (err.fieldErrors.length === 0) setError(err);
    } finally {
      setBusy(false);
    }
  };

  const shown = conflict.length ? conflict : (warning.data ?? []);
  return (
    <Stack gap="sm">
      <SegmentedControl
        value={kind}
        onChange={(v) => setKind(v as 'individual' | 'company')}
        data={[
          { value: 'individual', label: t('customer360.kindIndividual') },
          { value: 'company', label: t('customer360.kindCompany') },
        ]}
      />
      <TextInput label={t('customer360.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} data-testid="customer-name-input" />
      <SimpleGrid cols={2}>
        <TextInput label={t('customer360.phone')} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={errors.phone} placeholder="138 0013 8000 / 010-12345678" data-testid="customer-phone-input" />
        <TextInput label={t('customer360.email')} value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} data-testid="customer-email-input" />
      </SimpleGrid>
      <TextInput label={t('customer360.externalId')} value={externalId} onChange={(e) => setExternalId(e.currentTarget.value)} error={errors.externalId} />
      <DuplicateWarning items={shown} onCreateAnyway={conflict.length ? () => void submit('create_without_duplicates') : undefined} />
      {kind === 'individual' && (
        <SimpleGrid cols={3}>
          <Select
            label={t('customer360.gender')}
            value={gender}
            onChange={setGender}
            data={[
              { value: 'unknown', label: t('customer360.genderUnknown') },
              { value: 'female', label: t('customer360.genderFemale') },
              { value: 'male', label: t('customer360.genderMale') },
            ]}
          />
          <TextInput type="date" label={t('customer360.birthday')} value={birthday} onChange={(e) => setBirthday(e.currentTarget.value)} error={errors.birthday} />
          <Select label={t('customer360.language')} value={language} onChange={setLanguage} data={['zh-CN', 'en']} />
        </SimpleGrid>
      )}
      <TagsInput label={t('customer360.tags')} value={tags} onChange={setTags} />
      <SimpleGrid cols={3}>
        <TextInput label={t('customer360.province')} value={province} onChange={(e) => setProvince(e.currentTarget.value)} error={errors.province} />
        <TextInput label={t('customer360.city')} value={city} onChange={(e) => setCity(e.currentTarget.value)} error={errors.city} />
        <TextInput label={t('customer360.district')} value={district} onChange={(e) => setDistrict(e.currentTarget.value)} />
      </SimpleGrid>
      <TextInput label={t('customer360.street')} value={street} onChange={(e) => setStreet(e.currentTarget.value)} error={errors.street} />
      <Checkbox.Group label={t('customer360.consents')} value={consents} onChange={setConsents}>
        <Group mt={4}>
          {ConsentChannel.options.map((c) => (
            <Checkbox key={c} value={c} label={t(`customer360.channel_${c}`)} />
          ))}
        </Group>
      </Checkbox.Group>
      <Textarea label={t('customer360.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
      <ErrorAlert error={error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('customer360.cancel')}
        </Button>
        <Button onClick={() => void submit()} loading={busy} data-testid="customer-save">
          {t('customer360.save')}
        </Button>
      </Group>
    </Stack>
  );
}
