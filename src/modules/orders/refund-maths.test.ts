import { describe, expect, it } from 'vitest';
import { lineRefundableFen, spreadAmount, unitRefundFen } from './orders.contract.ts';

describe('unitRefundFen: the units’ share of what the line has left, the last units take the rest', () => {
  const cases: { name: string; line: { quantity: number; refundedQuantity: number; totalFen: number; refundedFen: number }; units: number; expected: number }[] = [
    { name: 'one of two units, nothing refunded yet', line: { quantity: 2, refundedQuantity: 0, totalFen: 590000, refundedFen: 0 }, units: 1, expected: 295000 },
    { name: 'rounding down first: 1 of 3 units of 3000.02', line: { quantity: 3, refundedQuantity: 0, totalFen: 300002, refundedFen: 0 }, units: 1, expected: 100000 },
    { name: '… then 1 of the 2 left (2000.02 left)', line: { quantity: 3, refundedQuantity: 1, totalFen: 300002, refundedFen: 100000 }, units: 1, expected: 100001 },
    { name: '… and the last unit takes the remainder', line: { quantity: 3, refundedQuantity: 2, totalFen: 300002, refundedFen: 200001 }, units: 1, expected: 100001 },
    { name: 'after a 20.00 price protection on 2 × 100.00, one unit gives back 90.00', line: { quantity: 2, refundedQuantity: 0, totalFen: 20000, refundedFen: 2000 }, units: 1, expected: 9000 },
    { name: 'a line whose money is all back refunds its units for 0', line: { quantity: 2, refundedQuantity: 0, totalFen: 20000, refundedFen: 20000 }, units: 1, expected: 0 },
    { name: 'every unit left: all that is left', line: { quantity: 4, refundedQuantity: 1, totalFen: 1001, refundedFen: 333 }, units: 3, expected: 668 },
    { name: 'no units left', line: { quantity: 1, refundedQuantity: 1, totalFen: 500, refundedFen: 500 }, units: 1, expected: 0 },
    { name: 'big totals stay exact (BigInt)', line: { quantity: 3, refundedQuantity: 0, totalFen: 9_000_000_000_000_001, refundedFen: 0 }, units: 2, expected: 6_000_000_000_000_000 },
  ];
  for (const c of cases) it(c.name, () => expect(unitRefundFen(c.line, c.units)).toBe(c.expected));
  it('refunding unit by unit returns exactly the line total, whatever the amounts refunded between', () => {
    const line = { quantity: 7, refundedQuantity: 0, totalFen: 100003, refundedFen: 1234 };
    let sum = line.refundedFen;
    while (line.refundedQuantity < line.quantity) {
      const a = unitRefundFen(line, 1);
      sum += a;
      line.refundedFen += a;
      line.refundedQuantity += 1;
    }
    expect(sum).toBe(100003);
    expect(lineRefundableFen(line)).toBe(0);
  });
});

describe('spreadAmount: an order-level amount over the lines, in proportion to what each has left', () => {
  const cases: { name: string; lines: { lineNo: number; leftFen: number }[]; amount: number; expected: { lineNo: number; amountFen: number }[] }[] = [
    {
      name: 'exact shares',
      lines: [{ lineNo: 1, leftFen: 600000 }, { lineNo: 2, leftFen: 50000 }],
      amount: 65000,
      expected: [{ lineNo: 1, amountFen: 60000 }, { lineNo: 2, amountFen: 5000 }],
    },
    {
      // 1.00 over three equal lines: 0.3333 each, the spare fen to the first line (ties go to the lower line number)
      name: 'largest remainder, ties to the lower line',
      lines: [{ lineNo: 1, leftFen: 100 }, { lineNo: 2, leftFen: 100 }, { lineNo: 3, leftFen: 100 }],
      amount: 100,
      expected: [{ lineNo: 1, amountFen: 34 }, { lineNo: 2, amountFen: 33 }, { lineNo: 3, amountFen: 33 }],
    },
    {
      // 10 over 1 and 999: 0.01 and 9.99 → the fraction goes to the big line, the tiny one gets 0 and is left out
      name: 'a tiny line never gets more than its share rounded up',
      lines: [{ lineNo: 1, leftFen: 1 }, { lineNo: 2, leftFen: 999 }],
      amount: 10,
      expected: [{ lineNo: 2, amountFen: 10 }],
    },
    {
      name: 'lines with nothing left are skipped; the whole rest empties every line',
      lines: [{ lineNo: 1, leftFen: 0 }, { lineNo: 2, leftFen: 7 }, { lineNo: 3, leftFen: 5 }],
      amount: 12,
      expected: [{ lineNo: 2, amountFen: 7 }, { lineNo: 3, amountFen: 5 }],
    },
    { name: 'nothing left anywhere', lines: [{ lineNo: 1, leftFen: 0 }], amount: 5, expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = spreadAmount(c.lines, c.amount);
      expect(got).toEqual(c.expected);
      if (c.expected.length) expect(got.reduce((s, g) => s + g.amountFen, 0)).toBe(c.amount);
      for (const g of got) expect(g.amountFen).toBeLessThanOrEqual(c.lines.find((l) => l.lineNo === g.lineNo)!.leftFen);
    });
  }
});
