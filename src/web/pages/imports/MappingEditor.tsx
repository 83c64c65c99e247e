import { Badge, Select, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { sheetFields, type ColumnMapping, type SheetKind } from '../../../modules/data-import/data-import.contract.ts';

const letter = (i: number) => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

/** One row per field of the kind: which file column feeds it (pre-filled with the server's suggestion). */
export function MappingEditor({ kind, headers, sample, mapping, onChange, errors }: { kind: SheetKind; headers: string[]; sample: string[][]; mapping: ColumnMapping; onChange: (m: ColumnMapping) => void; errors: Record<string, string> }) {
  const { t } = useTranslation();
  const options = headers.map((h, i) => ({ value: String(i), label: `${letter(i)} · ${h || '—'}` }));
  return (
    <Table striped withTableBorder data-testid="mapping-editor">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('imports.field')}</Table.Th>
          <Table.Th>{t('imports.column')}</Table.Th>
          <Table.Th>{t('imports.example')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sheetFields[kind].map(({ field, required }) => {
          const col = mapping[field];
          return (
            <Table.Tr key={field} data-testid={`mapping-${field}`}>
              <Table.Td>
                <Text size="sm" fw={500} span>
                  {t(`imports.fields.${kind}.${field}` as 'imports.fields.customers.name')}
                </Text>{' '}
                {required && (
                  <Badge size="xs" variant="light" color="red">
                    {t('imports.required')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Select
                  size="xs"
                  data={options}
                  value={col === undefined || col === null ? null : String(col)}
                  onChange={(v) => onChange({ ...mapping, [field]: v === null ? null : Number(v) })}
                  clearable
                  placeholder={t('imports.notMapped')}
                  error={errors[`mapping.${field}`]}
                  aria-label={field}
                />
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {col === undefined || col === null ? '' : sample.slice(0, 2).map((r) => r[col] ?? '').filter(Boolean).join(' / ')}
                </Text>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
