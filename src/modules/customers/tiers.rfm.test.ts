import { describe, expect, it } from 'vitest';
import { assignTier, daysSince, definitionProblems, direction, type RfmFigures, type TierRule } from './tiers.rfm.ts';

const rule = (code: string, rank: number, t: Partial<TierRule> = {}): TierRule => ({ code, rank, minMonetaryFen: null, minFrequency: null, maxRecencyDays: null, minEngagement: null, ...t });

/** The default ladder: VIP = ¥5,000 and 2 orders in the window, bought within a year; senior = ¥20,000, 4 orders, within 180 days. */
const ladder: TierRule[] = [
  rule('regular', 0),
  rule('vip', 10, { minMonetaryFen: 500_000, minFrequency: 2, maxRecencyDays: 365 }),
  rule('senior_vip', 20, { minMonetaryFen: 2_000_000, minFrequency: 4, maxRecencyDays: 180 }),
];
const f = (recencyDays: number | null, frequency: number, monetaryFen: number, engagement = 0): RfmFigures => ({ recencyDays, frequency, monetaryFen, engagement });

describe('assignTier (cases worked by hand)', () => {
  const cases: [string, TierRule[], RfmFigures, string][] = [
    ['never bought → the floor', ladder, f(null, 0, 0), 'regular'],
    ['exactly on every VIP threshold → VIP (≥ and ≤ are inclusive)', ladder, f(365, 2, 500_000), 'vip'],
    ['one fen short of VIP → regular', ladder, f(30, 2, 499_999), 'regular'],
    ['one order short of VIP → regular', ladder, f(30, 1, 900_000), 'regular'],
    ['366 days since the last purchase fails every recency threshold', ladder, f(366, 9, 9_000_000), 'regular'],
    ['big spender bought 200 days ago: too old for senior (180), fine for VIP (365)', ladder, f(200, 6, 3_000_000), 'vip'],
    ['all senior thresholds met exactly → senior VIP', ladder, f(180, 4, 2_000_000), 'senior_vip'],
    ['senior money but 3 orders → VIP', ladder, f(10, 3, 5_000_000), 'vip'],
    ['engagement-only tier: 3 interactions, no purchases', [...ladder, rule('fan', 5, { minEngagement: 3 })], f(null, 0, 0, 3), 'fan'],
    ['engagement-only tier: 2 interactions are not enough', [...ladder, rule('fan', 5, { minEngagement: 3 })], f(null, 0, 0, 2), 'regular'],
    ['engagement as an extra condition on VIP', [rule('regular', 0), rule('vip', 10, { minMonetaryFen: 100, minEngagement: 1 })], f(5, 1, 100, 0), 'regular'],
    ['inactive senior tier is skipped', [ladder[0], ladder[1], { ...ladder[2], active: false }], f(10, 10, 99_000_000), 'vip'],
    ['a tier with no thresholds above the floor takes everyone', [rule('regular', 0), rule('all', 1)], f(null, 0, 0), 'all'],
    ['the floor’s own thresholds are not checked', [rule('basic', 0, { minFrequency: 1 }), rule('vip', 10, { minFrequency: 5 })], f(null, 0, 0), 'basic'],
    ['order of the rules in the list does not matter', [...ladder].reverse(), f(100, 4, 2_500_000), 'senior_vip'],
  ];
  it.each(cases)('%s', (_name, rules, figures, expected) => {
    expect(assignTier(rules, figures)).toBe(expected);
  });

  it('no active rule → null', () => {
    expect(assignTier([{ ...ladder[0], active: false }], f(1, 1, 1))).toBeNull();
  });
});

describe('daysSince', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  it.each([
    [null, null],
    ['2026-06-15T12:00:00Z', 0],
    ['2026-06-14T12:00:01Z', 0],
    ['2026-06-14T12:00:00Z', 1],
    ['2025-06-15T12:00:00Z', 365],
  ])('%s → %s', (last, days) => {
    expect(daysSince(last ? new Date(last) : null, now)).toBe(days);
  });
});

describe('direction and validation', () => {
  it('ranks decide up and down; unknown codes rank lowest', () => {
    expect(direction(ladder, 'regular', 'vip')).toBe('up');
    expect(direction(ladder, 'senior_vip', 'vip')).toBe('down');
    expect(direction(ladder, 'gone', 'regular')).toBe('up');
    expect(direction(ladder, 'vip', 'vip')).toBe('same');
  });
  it('duplicate codes, duplicate active ranks and an all-inactive set are problems', () => {
    expect(definitionProblems(ladder)).toEqual([]);
    expect(definitionProblems([rule('a', 1), rule('a', 2)])).toEqual([{ index: 1, field: 'code', code: 'tier_code_duplicate' }]);
    expect(definitionProblems([rule('a', 1), rule('b', 1)])).toEqual([{ index: 1, field: 'rank', code: 'tier_rank_duplicate' }]);
    expect(definitionProblems([rule('a', 1), { ...rule('b', 1), active: false }])).toEqual([]);
    expect(definitionProblems([{ ...rule('a', 1), active: false }])).toEqual([{ index: 0, field: 'active', code: 'tier_none_active' }]);
  });
});
