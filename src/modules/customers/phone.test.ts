import { describe, expect, it } from 'vitest';
import { normaliseEmail, normalisePhone } from './phone.ts';

describe('normalisePhone', () => {
  const cases: [string, string | null][] = [
    ['+86 138-0013-8000', '+8613800138000'],
    ['13800138000', '+8613800138000'],
    ['0086 138 0013 8000', '+8613800138000'],
    ['+86 (138) 0013 8000', '+8613800138000'],
    ['010-12345678', '+861012345678'],
    ['(021) 6123 4567', '+862161234567'],
    ['+1 212 555 0100', '+12125550100'],
    ['12345', null],
    ['call me', null],
    ['', null],
  ];
  for (const [raw, want] of cases) it(`${raw || '(empty)'} → ${want}`, () => expect(normalisePhone(raw)).toBe(want));
});

describe('normaliseEmail', () => {
  it('lower-cases and validates', () => {
    expect(normaliseEmail(' Zhang.Wei@Example.CN ')).toBe('zhang.wei@example.cn');
    expect(normaliseEmail('not-mail')).toBeNull();
  });
});
