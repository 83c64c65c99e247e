import { sanitizeEmailHtml } from '../../platform/mail/index.ts';
import { templateVariables, type TemplateBodies, type TemplateBody, type TemplateLocale } from './campaigns.contract.ts';

/** Template rendering: {{variable}} substitution, text-to-HTML fallback, SMS length. Pure functions. */
const placeholder = /\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g;

/** Names used in a template that are not variables; saved templates may only use known ones. */
export function unknownVariables(text: string): string[] {
  const known = new Set<string>(templateVariables);
  return [...new Set([...text.matchAll(placeholder)].map((m) => m[1]).filter((n) => !known.has(n)))];
}

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export function substitute(text: string, vars: Record<string, string>, escape = false): string {
  return text.replace(placeholder, (_m, name: string) => {
    const v = vars[name] ?? '';
    return escape ? escapeHtml(v) : v;
  });
}

/**
 * Template HTML through the mail sanitiser of the inbound viewer, in its sending mode: inline styles, tables,
 * remote images and links stay; scripts, event handlers and javascript: URLs go. {{variables}} survive it.
 */
export const sanitizeTemplateHtml = (html: string) => sanitizeEmailHtml(html, { forSending: true });

/** The customer's language picks the version; a template with only one version uses that one. */
export function pickLocale(bodies: TemplateBodies, wanted: string): TemplateLocale {
  const w: TemplateLocale = wanted === 'en' ? 'en' : 'zh-CN';
  if (bodies[w]) return w;
  return w === 'en' ? 'zh-CN' : 'en';
}

/** Plain text as simple HTML (escaped, paragraphs, line breaks) when the template has no HTML version. */
export function textAsHtml(text: string): string {
  const paras = text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px;line-height:1.5">${paras.join('')}</body></html>`;
}

/**
 * SMS parts: GSM-7 text fits 160 characters (153 per part when split); anything else (Chinese) is sent as
 * UCS-2: 70 characters, 67 per part. Chinese gateways count the signature (【…】) as part of the text.
 */
const gsm7 = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~\]|€]*$/;
export function smsParts(text: string): { length: number; parts: number } {
  const length = [...text].length;
  const [single, multi] = gsm7.test(text) ? [160, 153] : [70, 67];
  return { length, parts: length === 0 ? 0 : length <= single ? 1 : Math.ceil(length / multi) };
}

export interface Rendered {
  locale: TemplateLocale;
  subject: string;
  text: string;
  html: string | null;
}

export function renderBody(body: TemplateBody, locale: TemplateLocale, vars: Record<string, string>, channel: 'email' | 'sms'): Rendered {
  const text = substitute(body.text, vars);
  if (channel === 'sms') return { locale, subject: '', text, html: null };
  // values are escaped into the markup, and the result is sanitised again: a value in an href (a name that
  // reads "javascript:…") is not markup but still a URL, and templates saved before sanitising existed go out clean
  const html = body.html ? sanitizeTemplateHtml(substitute(body.html, vars, true)) : textAsHtml(text);
  return { locale, subject: substitute(body.subject, vars), text, html };
}
