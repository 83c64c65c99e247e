import { Button } from '@mantine/core';
import { IconMapQuestion } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState } from '../components/States.tsx';

export default function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon={<IconMapQuestion size={26} stroke={1.5} />}
      title={t('errors.pageNotFoundTitle')}
      description={t('errors.pageNotFound')}
      action={
        <Button component={Link} to="/" variant="light" mt="sm">
          {t('common.backHome')}
        </Button>
      }
    />
  );
}
