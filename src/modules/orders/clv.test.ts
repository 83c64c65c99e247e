import { describe, expect, it } from 'vitest';
import { predictedClv, purchasesPerYear } from './clv.contract.ts';

const now = new Date('2026-12-01T00:00:00Z');
const yearsAgo = (y: number) => new Date(now.getTime() - y * 365.25 * 86_400_000);

type Line = { total: number; qty: number; refunded: number; refundedFen: number; unitCost: number | null };

/**
 * Historical CLV worked by hand, line by line, exactly as refreshCustomerAggregates computes it in SQL:
 * net revenue = total − money refunded on the line (units and amounts); net cost = unit cost × (qty − refunded
 * units), 0 when unknown.
 */
function historical(lines: Line[]): number {
  return lines.reduce((s, l) => s + (l.total - l.refundedFen) - (l.unitCost === null ? 0 : l.unitCost * (l.qty - l.refunded)), 0);
}

describe('historical CLV (PRODUCT.md KPI section)', () => {
  const cases: { name: string; lines: Line[]; expected: number }[] = [
    { name: 'one line, cost known: revenue − cost', lines: [{ total: 329900, qty: 1, refunded: 0, refundedFen: 0, unitCost: 250000 }], expected: 79900 },
    { name: 'cost unknown counts the revenue', lines: [{ total: 50000, qty: 1, refunded: 0, refundedFen: 0, unitCost: null }], expected: 50000 },
    {
      name: 'mixed: 2 × 3000 less 100 discount at 2000 cost, plus a 500 line of unknown cost',
      lines: [
        { total: 590000, qty: 2, refunded: 0, refundedFen: 0, unitCost: 200000 },
        { total: 50000, qty: 1, refunded: 0, refundedFen: 0, unitCost: null },
      ],
      expected: 190000 + 50000,
    },
    {
      name: 'one of two units refunded: half the revenue and half the cost go',
      lines: [
        { total: 590000, qty: 2, refunded: 1, refundedFen: 295000, unitCost: 200000 },
        { total: 50000, qty: 1, refunded: 0, refundedFen: 0, unitCost: null },
      ],
      expected: 95000 + 50000,
    },
    { name: 'fully refunded line contributes nothing', lines: [{ total: 590000, qty: 2, refunded: 2, refundedFen: 590000, unitCost: 200000 }], expected: 0 },
    { name: 'rounding: 1 of 3 units of 3000.02 refunded keeps 2000.02', lines: [{ total: 300002, qty: 3, refunded: 1, refundedFen: 100000, unitCost: null }], expected: 200002 },
    {
      name: 'an amount refund (price protection 200.00) lowers revenue only; the goods and their cost stay',
      lines: [{ total: 329900, qty: 1, refunded: 0, refundedFen: 20000, unitCost: 250000 }],
      expected: 79900 - 20000,
    },
    { name: 'the whole price back without the goods leaves the cost: a negative margin', lines: [{ total: 329900, qty: 1, refunded: 0, refundedFen: 329900, unitCost: 250000 }], expected: -250000 },
    { name: 'selling below cost is a negative margin', lines: [{ total: 100000, qty: 1, refunded: 0, refundedFen: 0, unitCost: 120000 }], expected: -20000 },
  ];
  for (const c of cases) it(c.name, () => expect(historical(c.lines)).toBe(c.expected));
});

describe('predicted CLV = average order value × purchases per year × lifetime × margin rate', () => {
  const settings = { expectedLifetimeYears: 3, marginRate: 0.25 };
  const cases: { name: string; ordersCount: number; revenueFen: number; first: Date | null; settings?: typeof settings; ppy: number; expected: number }[] = [
    // one order: the observed span is floored at one year → 1 purchase a year; 5000 × 1 × 3 × 0.25
    { name: 'one order last month', ordersCount: 1, revenueFen: 500000, first: yearsAgo(1 / 12), ppy: 1, expected: 375000 },
    { name: 'one order three years ago buys a third a year', ordersCount: 1, revenueFen: 300000, first: yearsAgo(3), ppy: 1 / 3, expected: 75000 },
    { name: 'four orders in two years, 8000 net', ordersCount: 4, revenueFen: 800000, first: yearsAgo(2), ppy: 2, expected: 300000 },
    { name: 'three orders within the first year', ordersCount: 3, revenueFen: 90000, first: yearsAgo(0.5), ppy: 3, expected: 67500 },
    {
      name: 'other settings: 5 years at 30 %',
      ordersCount: 2,
      revenueFen: 100000,
      first: yearsAgo(4),
      settings: { expectedLifetimeYears: 5, marginRate: 0.3 },
      ppy: 0.5,
      expected: 37500,
    },
    // 10.00 over 3 orders in 3 years: 3.3333 × 1 × 1 × 0.25 = 0.8333 yuan → 83 fen
    { name: 'rounded to whole fen', ordersCount: 3, revenueFen: 1000, first: yearsAgo(3), settings: { expectedLifetimeYears: 1, marginRate: 0.25 }, ppy: 1, expected: 83 },
    { name: 'no orders that count (all refunded)', ordersCount: 0, revenueFen: 0, first: null, ppy: 0, expected: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const summary = { ordersCount: c.ordersCount, revenueFen: c.revenueFen, firstOrderAt: c.first };
      expect(purchasesPerYear(summary, now)).toBeCloseTo(c.ppy, 9);
      expect(predictedClv(summary, c.settings ?? settings, now)).toBe(c.expected);
    });
  }
  it('accepts ISO strings as well as dates', () => {
    expect(predictedClv({ ordersCount: 1, revenueFen: 400, firstOrderAt: yearsAgo(2).toISOString() }, { expectedLifetimeYears: 2, marginRate: 0.5 }, now)).toBe(200);
  });
});
