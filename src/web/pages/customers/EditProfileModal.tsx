import { useState } from 'react';
import { Button, Group, Modal, Select, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Customer } from '../../../modules/customers/customers.contract.ts';
import { api, toApiError, type ApiError } from '../../api.ts';
import { fieldMessages } from '../../lib/fieldErrors.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { UserSelect, type PickedUser } from '../../components/UserPicker.tsx';

interface Props {
  customer: Customer | null;
  owner: PickedUser | null;
  onClose: () => void;
  onSaved: (c: Customer) => void;
}

/** Profile edit with the version read: a stale version shows the conflict and offers a reload. */
export function EditProfileModal({ customer, owner, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={!!customer} onClose={onClose} title={t('customer360.edit')} size="lg" centered data-testid="customer-edit-modal">
      {customer && <EditForm customer={customer} owner={owner} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function EditForm({ customer, owner, onClose, onSaved }: { customer: Customer; owner: PickedUser | null; onClose: () => void; onSaved: (c: Customer) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(customer.name);
  const [gender, setGender] = useState<string | null>(customer.gender);
  const [birthday, setBirthday] = useState(customer.birthday ?? '');
  const [language, setLanguage] = useState<string | null>(customer.language);
  const [tags, setTags] = useState<string[]>(customer.tags);
  const [ownerUser, setOwnerUser] = useState<PickedUser | null>(owner);
  const ownerId = ownerUser?.id ?? null;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = { version: customer.version, name, gender: gender ?? 'unknown', birthday: birthday || null, language: language ?? 'zh-CN', tags, ownerId };
      onSaved(await api.patch(`/customers/${customer.id}`, body, Customer));
    } catch (e) {
      const err = toApiError(e);
      setErrors(fieldMessages(err.fieldErrors));
      if (err.fieldErrors.length === 0) setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="sm">
      <TextInput label={t('customer360.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required />
      {customer.kind === 'individual' && (
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
      <TagsInput label={t('customer360.tags')} value={tags} onChange={setTags} error={errors.tags} />
      <UserSelect label={t('customer360.owner')} value={ownerUser} onChange={setOwnerUser} error={errors.ownerId} />
      <ErrorAlert error={error} onRetry={error?.isVersionConflict ? onClose : undefined} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('customer360.cancel')}
        </Button>
        <Button onClick={() => void save()} loading={busy} data-testid="customer-edit-save">
          {t('customer360.save')}
        </Button>
      </Group>
    </Stack>
  );
}
