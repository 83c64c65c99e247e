import { Badge, Group, MultiSelect, type MultiSelectProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { roles, type Role } from '../../platform/auth/roles.contract.ts';

const roleColor: Record<Role, string> = {
  admin: 'red',
  manager: 'grape',
  agent: 'blue',
  specialist: 'indigo',
  field_engineer: 'teal',
  warehouse_clerk: 'orange',
  sales: 'green',
  analyst: 'cyan',
};

export function RoleBadges({ value }: { value: readonly Role[] }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} data-testid="role-badges">
      {value.map((r) => (
        <Badge key={r} variant="light" color={roleColor[r]} radius="sm" tt="none">
          {t(`roles.${r}`)}
        </Badge>
      ))}
    </Group>
  );
}

/** Role picker with localised names. */
export function RoleMultiSelect(props: Omit<MultiSelectProps, 'data'>) {
  const { t } = useTranslation();
  return <MultiSelect data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} searchable={false} clearable {...props} />;
}

export function isRole(v: string): v is Role {
  return (roles as readonly string[]).includes(v);
}
