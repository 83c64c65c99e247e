import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadConfig } from '../../config.ts';

/**
 * Signed public links in campaign messages: one-click unsubscribe, open pixel, click redirect. The token
 * carries the tenant (to find its key) and what the link is for; the HMAC makes it unforgeable, so the
 * public routes need no sign-in. Keys are per tenant (campaign_settings.link_secret).
 */
export type LinkPurpose = 'u' | 'o' | 'c';

export interface LinkClaims {
  purpose: LinkPurpose;
  tenantId: string;
  /** unsubscribe: customer id; open/click: message id */
  subject: string;
  /** unsubscribe: channel; click: target URL; open: '' */
  extra: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 32);

export function signLink(secret: string, c: LinkClaims): string {
  const payload = b64(JSON.stringify([c.purpose, c.tenantId, c.subject, c.extra]));
  return `${payload}.${mac(secret, payload)}`;
}

/** The claims without checking the signature (to find the tenant whose key checks it). */
export function peekLink(token: string): LinkClaims | null {
  const [payload] = token.split('.');
  try {
    const [purpose, tenantId, subject, extra] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as string[];
    if (!['u', 'o', 'c'].includes(purpose) || typeof tenantId !== 'string' || typeof subject !== 'string' || typeof extra !== 'string') return null;
    if (!/^[0-9a-f-]{36}$/i.test(tenantId) || !/^[0-9a-f-]{36}$/i.test(subject)) return null;
    return { purpose: purpose as LinkPurpose, tenantId, subject, extra };
  } catch {
    return null;
  }
}

export function verifyLink(secret: string, token: string): boolean {
  const [payload, sig] = token.split('.');
  if (!payload || !sig) return false;
  const want = Buffer.from(mac(secret, payload));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

const base = () => loadConfig().publicUrl.replace(/\/$/, '');
export const unsubscribeUrl = (token: string) => `${base()}/api/v1/public/unsubscribe?t=${token}`;
export const openPixelUrl = (token: string) => `${base()}/api/v1/public/campaign-open?t=${token}`;
export const clickUrl = (token: string) => `${base()}/api/v1/public/campaign-click?t=${token}`;

// Tokens travel in the query string: they are longer than a path parameter may be (click tokens carry the URL).
/** Rewrites http(s) links of an HTML body through the click redirect; the unsubscribe link stays direct. */
export function trackLinks(html: string, wrap: (url: string) => string, keep: string): string {
  return html.replace(/href="(https?:\/\/[^"]+)"/g, (m, url: string) => {
    const real = url.replace(/&amp;/g, '&');
    return real === keep ? m : `href="${wrap(real).replace(/&/g, '&amp;')}"`;
  });
}

/** Adds the 1×1 open pixel before </body> (or at the end). */
export function addPixel(html: string, src: string): string {
  const img = `<img src="${src}" width="1" height="1" alt="" style="display:none">`;
  return html.includes('</body>') ? html.replace('</body>', `${img}</body>`) : html + img;
}
