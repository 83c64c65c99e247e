import { describe, expect, it } from 'vitest';
import { cjkDocument, cjkIndexTokens, cjkQuery, cjkQueryTokens, splitCjk } from './cjk.ts';

describe('CJK tokens', () => {
  it('splits mixed Chinese and English text', () => {
    expect(splitCjk('海尔空调KFR-35GW漏水 urgent')).toEqual({ cjk: ['海尔空调', '漏水'], latin: ' KFR-35GW  urgent' });
  });

  it('indexes characters and overlapping bigrams', () => {
    expect(cjkIndexTokens('空调漏水').sort()).toEqual(['空', '空调', '调', '调漏', '漏', '漏水', '水'].sort());
  });

  it('queries a two-character word as that bigram, a phrase as all its bigrams', () => {
    expect(cjkQueryTokens('退货')).toEqual(['退货']);
    expect(cjkQueryTokens('修')).toEqual(['修']);
    expect(cjkQueryTokens('空调漏水')).toEqual(['空调', '调漏', '漏水']);
    expect(cjkQuery('空调 漏水')).toBe('空调 & 漏水');
    expect(cjkQuery('hello')).toBe('');
  });

  it('finds a two-character word inside running text (every query token is a document token)', () => {
    const doc = new Set(cjkDocument('您好，我家的冰箱昨天开始不制冷了，请尽快安排维修师傅上门。').split(' '));
    for (const word of ['冰箱', '制冷', '维修', '上门', '师傅']) {
      expect(cjkQueryTokens(word).every((t) => doc.has(t)), word).toBe(true);
    }
    expect(cjkQueryTokens('洗衣').every((t) => doc.has(t))).toBe(false);
  });

  it('normalises full-width forms', () => {
    expect(splitCjk('ＡＢＣ１２３').latin).toBe('ABC123');
  });
});
