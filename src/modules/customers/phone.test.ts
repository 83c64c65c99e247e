import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { normaliseEmail, normaliseExternalId, normalisePhone, phoneFastPath } from './phone.ts';

describe('normalisePhone', () => {
  const cases: [string, string | null][] = [
    // mobiles, however they are written
    ['+86 138-0013-8000', '+8613800138000'],
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['0086 138 0013 8000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['+86 (138) 0013 8000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'],
    ['19912345678', '+8619912345678'],
    ['17012345678', '+8617012345678'],
    // landlines with the area code: 2-digit (Beijing, Shanghai) and 3-digit (Shenzhen, Haikou) codes
    ['010-12345678', '+861012345678'],
    ['(010)12345678', '+861012345678'],
    ['0086 10 1234 5678', '+861012345678'],
    ['+86 21 6123 4567', '+862161234567'],
    ['(021) 6123 4567', '+862161234567'],
    ['0755-8888 8888', '+8675588888888'],
    ['(0755)88888888', '+8675588888888'],
    ['86-755-88888888', '+8675588888888'],
    ['0898-66668888', '+8689866668888'],
    ['tel:+86-10-12345678', '+861012345678'],
    // extensions reach the same line
    ['021-61234567-801', '+862161234567'],
    ['021-6123 4567 转 801', '+862161234567'],
    ['010-12345678 ext. 5', '+861012345678'],
    ['0755-88888888分机8001', '+8675588888888'],
    // service numbers
    ['400-800-8888', '+864008008888'],
    // abroad
    ['+1 212 555 0100', '+12125550100'],
    // not usable: too short, landline without area code, a Beijing number with 7 digits, words
    ['1380013800', null],
    ['12345678', null],
    ['010-1234567', null],
    ['0571-8888888', null],
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

describe('normaliseExternalId', () => {
  const cases: [string, string | null][] = [
    ['wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M', 'wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M'],
    [' WeChat_Union : oUnion42 ', 'wechat_union:oUnion42'],
    ['shop:member-42', 'shop:member-42'],
    ['member-42', null],
    [':42', null],
    ['shop:', null],
  ];
  for (const [raw, want] of cases) it(`${raw} → ${want}`, () => expect(normaliseExternalId(raw)).toBe(want));
});

describe('normalisePhone fast path for mainland mobiles', () => {
  // the answer libphonenumber gives without the fast path
  const full = (text: string, country: 'CN' | 'US' = 'CN') => {
    const p = parsePhoneNumberFromString(text, country);
    return p && p.isValid() ? p.number : null;
  };
  it('is on, and answers what libphonenumber answers for every 4-digit prefix and many generated numbers', () => {
    expect(phoneFastPath).toBe(true);
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const mismatches: string[] = [];
    for (let prefix = 1000; prefix <= 1999; prefix++) {
      for (let k = 0; k < 4; k++) {
        const digits = `${prefix}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
        for (const text of [digits, `+86${digits}`, `+86 ${digits}`]) if (normalisePhone(text) !== full(text)) mismatches.push(text);
        if (normalisePhone(digits, 'US') !== full(digits, 'US')) mismatches.push(`US ${digits}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
