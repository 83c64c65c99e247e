import { describe, expect, it } from 'vitest';
import { parseYuanToFen } from './money.ts';

describe('parseYuanToFen: yuan text → fen without float errors', () => {
  const cases: [string, number | null][] = [
    ['12', 1200],
    ['12.5', 1250],
    ['12.05', 1205],
    ['0.29', 29], // 0.29 * 100 === 28.999999999999996 as a float
    ['1.15', 115], // Math.round(1.005 * 100) style traps
    ['4.35', 435],
    ['.5', 50],
    ['7.', 700],
    [' ¥1,234.56 ', 123456],
    ['￥99', 9900],
    ['90071992547409.91', 9007199254740991],
    ['90071992547409.92', null], // past Number.MAX_SAFE_INTEGER fen
    ['1.234', null],
    ['-1', null],
    ['1e3', null],
    ['', null],
    ['.', null],
    ['abc', null],
  ];
  for (const [text, fen] of cases) it(JSON.stringify(text), () => expect(parseYuanToFen(text)).toBe(fen));
});
