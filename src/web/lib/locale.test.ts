import { describe, expect, it } from 'vitest';
import { localeFromBrowser } from './locale.ts';

describe('localeFromBrowser', () => {
  it('maps any Chinese to zh-CN and everything else to English', () => {
    expect(localeFromBrowser(['zh-CN', 'en'])).toBe('zh-CN');
    expect(localeFromBrowser(['zh-TW'])).toBe('zh-CN');
    expect(localeFromBrowser(['zh'])).toBe('zh-CN');
    expect(localeFromBrowser(['en-GB', 'zh-CN'])).toBe('en');
    expect(localeFromBrowser(['de-DE'])).toBe('en');
    expect(localeFromBrowser([])).toBe('en');
  });
});
