import { Badge } from '@mantine/core';
import type { useTiers } from '../tiers/useTiers.ts';

/** The tier's name in the UI language (codes are tenant-defined), coloured by its definition. */
export function TierBadge({ tier, tiers }: { tier: string; tiers: ReturnType<typeof useTiers> }) {
  const color = tiers.definitions.find((d) => d.code === tier)?.color ?? (tier === 'regular' ? 'gray' : 'yellow');
  return (
    <Badge size="sm" variant="light" color={color} tt="none" data-testid="tier-badge">
      {tiers.name(tier)}
    </Badge>
  );
}
