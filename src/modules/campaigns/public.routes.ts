import type { App } from '../../platform/http/types.ts';
import { t } from '../../platform/i18n/i18n.ts';
import { TokenQuery } from './campaigns.contract.ts';
import { recordClick, recordOpen, unsubscribe } from './public.service.ts';
import { escapeHtml } from './render.ts';

const tags = ['campaigns'];
/** 1×1 transparent GIF */
const pixel = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function page(title: string, body: string, lang: string): string {
  return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.6"><h1 style="font-size:1.4rem">${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
}

/** Links in campaign messages: no sign-in; the signed token is checked by the service. */
export function publicCampaignRoutes(app: App) {
  // RFC 8058 one-click POSTs are form-encoded; the body ("List-Unsubscribe=One-Click") carries nothing we need.
  // This plugin scope only (Fastify encapsulation): other modules keep refusing non-JSON bodies.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  const unsubscribeHandler = async (token: string) => {
    const r = await unsubscribe(app.deps.database.db, token);
    const l = r.locale;
    return r.ok
      ? { status: 200, html: page(t(l, 'campaigns.unsubscribed.title'), t(l, 'campaigns.unsubscribed.body', { company: r.tenantName }), l) }
      : { status: 404, html: page(t(l, 'campaigns.unsubscribe_invalid.title'), t(l, 'campaigns.unsubscribe_invalid.body'), l) };
  };
  app.get(
    '/api/v1/public/unsubscribe',
    { config: { access: 'public' }, schema: { tags, summary: 'One-click unsubscribe from a campaign message: withdraws the marketing consent of that channel', querystring: TokenQuery } },
    async (req, reply) => {
      const r = await unsubscribeHandler(req.query.t);
      return reply.code(r.status).type('text/html; charset=utf-8').send(r.html);
    },
  );
  // RFC 8058: mail providers POST "List-Unsubscribe=One-Click" to the same URL
  app.post(
    '/api/v1/public/unsubscribe',
    { config: { access: 'public' }, schema: { tags, summary: 'One-click unsubscribe (RFC 8058 POST from mail providers)', querystring: TokenQuery } },
    async (req, reply) => {
      const r = await unsubscribeHandler(req.query.t);
      return reply.code(r.status).type('text/html; charset=utf-8').send(r.html);
    },
  );
  app.get(
    '/api/v1/public/campaign-open',
    { config: { access: 'public' }, schema: { tags, summary: 'Open-tracking pixel of a campaign e-mail', querystring: TokenQuery } },
    async (req, reply) => {
      await recordOpen(app.deps.database.db, req.query.t);
      return reply.header('cache-control', 'no-store').type('image/gif').send(pixel);
    },
  );
  app.get(
    '/api/v1/public/campaign-click',
    { config: { access: 'public' }, schema: { tags, summary: 'Click-tracking redirect of a link in a campaign e-mail', querystring: TokenQuery } },
    async (req, reply) => {
      const target = await recordClick(app.deps.database.db, req.query.t);
      if (!target) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      return reply.redirect(target, 302);
    },
  );
}
