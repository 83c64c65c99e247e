import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { MAX_FILE_BYTES } from '../../platform/files/index.ts';
import { TicketMessage } from '../tickets/index.ts';
import {
  AddMessageWithFiles,
  Attachment,
  InboundListQuery,
  InboundMail,
  MailSettings,
  MessageMail,
  OutboxListQuery,
  OutboxMail,
  OutboxMailDetail,
  UpdateMailSettings,
  UploadedFile,
  UploadQuery,
} from './channels.contract.ts';
import { addMessageWithFiles, uploadFile } from './email.files.ts';
import { getMailSettings, updateMailSettings } from './mail-settings.service.ts';
import { getOutboxMail, listOutbox } from './outbox-mail.service.ts';
import { attachmentsOfTicket, downloadFile } from './email.attachments.ts';
import { listInbound } from './email.inbound.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['mail'];

export function emailRoutes(app: App) {
  // uploads only, and only in this plugin: the rest of the API keeps its JSON-only parser
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES }, (_req, body: Buffer, done) => done(null, body));
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
    { config: { access: 'tickets.read' }, schema: { tags, summary: 'Outgoing mail (auto-replies, agent replies, campaign mail delivered locally), newest first', querystring: OutboxListQuery, response: { 200: page(OutboxMail) } } },
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
  app.post(
    '/api/v1/files',
    {
      bodyLimit: MAX_FILE_BYTES,
      // not idempotent: the key check would JSON-hash up to 25 MB, and a retried upload only leaves an unused file
      config: { access: 'tickets.update' },
      schema: {
        tags,
        summary: 'Upload a file to attach to a reply (POST /api/v1/tickets/{id}/replies)',
        description: 'Body: the file\'s bytes as `application/octet-stream`; `filename` in the query, its media type in `X-File-Type` (else application/octet-stream).',
        consumes: ['application/octet-stream'],
        querystring: UploadQuery,
        body: z.instanceof(Buffer),
        response: { 201: UploadedFile },
      },
    },
    async (req, reply) => {
      const declared = req.headers['x-file-type'];
      const contentType = typeof declared === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(declared) ? declared : 'application/octet-stream';
      return reply.code(201).send(await uploadFile(req.ctx, { filename: req.query.filename, contentType, data: req.body }));
    },
  );
  app.post(
    '/api/v1/tickets/:id/replies',
    {
      config: { access: 'tickets.update', idempotent: true },
      schema: {
        tags: ['tickets'],
        summary: 'Reply to the customer (public) or add an internal note, with uploaded files; a public reply on an e-mail ticket is mailed with them',
        params: IdParam,
        body: AddMessageWithFiles,
        response: { 201: TicketMessage.extend({ attachments: z.array(Attachment) }) },
      },
    },
    async (req, reply) => reply.code(201).send(await addMessageWithFiles(req.ctx, req.params.id, req.body)),
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
