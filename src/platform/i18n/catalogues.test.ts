import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { t } from './i18n.ts';
import { localeFromAcceptLanguage } from './i18n.contract.ts';

/** Every message catalogue pair of the product: server messages and web UI strings. */
const pairs = [
  ['src/platform/i18n/locales/en.json', 'src/platform/i18n/locales/zh-CN.json'],
  ['src/web/i18n/en.json', 'src/web/i18n/zh-CN.json'],
];

const load = (file: string) => JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as Record<string, unknown>;

function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = String(v);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  for (const [enFile, zhFile] of pairs) {
    it(`${enFile} and ${zhFile} have the same keys, no empty texts, the same placeholders`, () => {
      expect(fs.existsSync(enFile) && fs.existsSync(zhFile), `${enFile} / ${zhFile} missing`).toBe(true);
      const en = flatten(load(enFile));
      const zh = flatten(load(zhFile));
      const onlyEn = Object.keys(en).filter((k) => !(k in zh));
      const onlyZh = Object.keys(zh).filter((k) => !(k in en));
      expect({ onlyEn, onlyZh }).toEqual({ onlyEn: [], onlyZh: [] });
      for (const k of Object.keys(en)) {
        expect(en[k].trim(), `en ${k}`).not.toBe('');
        expect(zh[k].trim(), `zh-CN ${k}`).not.toBe('');
        expect(placeholders(zh[k]), `placeholders of ${k}`).toEqual(placeholders(en[k]));
      }
      expect(Object.keys(en).length).toBeGreaterThan(10);
    });
  }

  it('fills placeholders and falls back to English for a missing key', () => {
    expect(t('zh-CN', 'errors.payload_too_large', { limit: 10 })).toBe('请求内容超过了 10 字节的上限。');
    expect(t('en', 'errors.no_such_key')).toBe('errors.no_such_key');
  });

  it('picks the language from Accept-Language', () => {
    expect(localeFromAcceptLanguage('zh-TW,zh;q=0.9')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('fr-FR, en;q=0.5, zh;q=0.8')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('en-GB')).toBe('en');
    expect(localeFromAcceptLanguage('fr')).toBeUndefined();
    expect(localeFromAcceptLanguage(undefined)).toBeUndefined();
  });
});
