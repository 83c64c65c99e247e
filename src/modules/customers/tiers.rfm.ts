/**
 * RFM tiering as a pure function. The set-based SQL in tiers.service.ts implements the same rule for a
 * whole tenant at once; tiers.test.ts checks both against the same cases.
 *
 * Rule: a customer gets the highest-ranked active tier whose every set threshold holds:
 *   recency   = whole days since the last purchase (any time)  ≤ maxRecencyDays
 *   frequency = orders placed in the window                    ≥ minFrequency
 *   monetary  = net revenue of those orders, fen               ≥ minMonetaryFen
 *   engagement = interactions in the window                    ≥ minEngagement
 * A threshold left null is not checked. A customer who never bought fails any recency threshold. When no
 * tier qualifies, the customer gets the lowest-ranked active tier (its own thresholds are not checked: it is
 * the floor).
 */

export interface RfmFigures {
  /** null = never bought */
  recencyDays: number | null;
  frequency: number;
  monetaryFen: number;
  engagement: number;
}

export interface TierRule {
  code: string;
  rank: number;
  minMonetaryFen: number | null;
  minFrequency: number | null;
  maxRecencyDays: number | null;
  minEngagement: number | null;
  active?: boolean;
}

const DAY_MS = 86_400_000;

/** Whole days elapsed between the purchase and now (the SQL uses the same floor of elapsed seconds). */
export function daysSince(last: Date | null, now: Date): number | null {
  if (!last) return null;
  return Math.floor((now.getTime() - last.getTime()) / DAY_MS);
}

export function qualifies(rule: TierRule, f: RfmFigures): boolean {
  if (rule.maxRecencyDays !== null && (f.recencyDays === null || f.recencyDays > rule.maxRecencyDays)) return false;
  if (rule.minFrequency !== null && f.frequency < rule.minFrequency) return false;
  if (rule.minMonetaryFen !== null && f.monetaryFen < rule.minMonetaryFen) return false;
  if (rule.minEngagement !== null && f.engagement < rule.minEngagement) return false;
  return true;
}

/** Active rules, best first (rank descending; equal ranks are rejected on save, code breaks ties anyway). */
export function ranked<T extends TierRule>(rules: readonly T[]): T[] {
  return rules.filter((r) => r.active !== false).sort((a, b) => b.rank - a.rank || a.code.localeCompare(b.code));
}

/** The tier code for these figures; null only when no rule is active. */
export function assignTier(rules: readonly TierRule[], f: RfmFigures): string | null {
  const order = ranked(rules);
  if (order.length === 0) return null;
  const floor = order[order.length - 1];
  return order.slice(0, -1).find((r) => qualifies(r, f))?.code ?? floor.code;
}

/** Whether a move from one code to another is up, down or sideways, by the given rules' ranks. */
export function direction(rules: readonly TierRule[], from: string | null, to: string): 'up' | 'down' | 'same' {
  if (from === to) return 'same';
  const rank = (code: string | null) => rules.find((r) => r.code === code)?.rank ?? -1;
  return rank(to) > rank(from) ? 'up' : rank(to) < rank(from) ? 'down' : 'same';
}

/** Is this set of definitions usable? Returns the problems as [index, field, code] for field errors. */
export function definitionProblems(rules: readonly TierRule[]): { index: number; field: 'code' | 'rank' | 'active'; code: string }[] {
  const out: { index: number; field: 'code' | 'rank' | 'active'; code: string }[] = [];
  const codes = new Map<string, number>();
  const ranks = new Map<number, number>();
  rules.forEach((r, i) => {
    if (codes.has(r.code)) out.push({ index: i, field: 'code', code: 'tier_code_duplicate' });
    codes.set(r.code, i);
    if (r.active !== false) {
      if (ranks.has(r.rank)) out.push({ index: i, field: 'rank', code: 'tier_rank_duplicate' });
      ranks.set(r.rank, i);
    }
  });
  if (rules.length > 0 && !rules.some((r) => r.active !== false)) out.push({ index: 0, field: 'active', code: 'tier_none_active' });
  return out;
}
