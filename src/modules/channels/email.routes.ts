import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { InboundListQuery, InboundMail, MailSettings, MessageMail, OutboxListQuery, OutboxMail, OutboxMailDetail, UpdateMailSettings } from './channels.contract.ts';
import { getMailSettings, updateMailSettings } from './mail-settings.service.ts';
import { getOutboxMail, listOutbox } from './outbox-mail.service.ts';
import { attachmentsOfTicket, downloadFile } from './email.attachments.ts';
import { listInbound } from './email.inbound.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['mail'];

export function emailRoutes(app: App) {
  app.get('/api/v1/mail/settings', { config: { access: 'settings.manage' }, schema: { tags, summary: 'E-mail channel settings: addresses, sender, auto-reply, IMAP', response: { 200: MailSettings } } }, (req) =>
    getMailSettings(req.ctx),
  );
  app.patch(
    '/api/v1/mail/settings',
    { config: { access: 'settings.manage' }, schema: { tags, summary: 'Change e-mail settings (with the version read; 409 when stale)', body: UpdateMailSettings, response: { 200: MailSettings } } },
    (req) => updateMailSettings(req.ctx, req.body),
  );
  app.get(
    '/api/v1/mail/inbound',
    { config: { access: 'settings.manage' }, schema: { tags, summary: 'Received mail with its processing status (failed and automatic ones included), newest first', querystring: InboundListQuery, response: { 200: page(InboundMail) } } },
    (req) => listInbound(req.ctx, req.query),
  );
  app.get(
    '/api/v1/mail/outbox',
    { config: { access: 'tickets.read' }, schema: { tags, summary: 'Outgoing mail (auto-replies, agent replies), newest first', querystring: OutboxListQuery, response: { 200: page(OutboxMail) } } },
    (req) => listOutbox(req.ctx, req.query),
  );
  app.get('/api/v1/mail/outbox/:id', { config: { access: 'tickets.read' }, schema: { tags, summary: 'One outgoing mail with its raw source', params: IdParam, response: { 200: OutboxMailDetail } } }, (req) =>
    getOutboxMail(req.ctx, req.params.id),
  );
  app.get(
    '/api/v1/tickets/:id/attachments',
    { config: { access: 'tickets.read' }, schema: { tags: ['tickets'], summary: "Per message: the mail's sanitised HTML and its attachments", params: IdParam, response: { 200: z.array(MessageMail) } } },
    (req) => attachmentsOfTicket(req.ctx, req.params.id),
  );
  app.get(
    '/api/v1/files/:id',
    { config: { access: 'tickets.read' }, schema: { tags, summary: 'Download a stored file (always as an attachment, with a safe content type)', params: IdParam } },
    async (req, reply) => {
      const f = await downloadFile(req.ctx, req.params.id);
      return reply
        .header('content-type', f.contentType)
        .header('content-disposition', f.disposition)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('etag', `"${f.sha256}"`)
        .send(f.data);
    },
  );
}
