import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import type { Worker } from '../../platform/jobs/worker.ts';
import type { SmtpListener } from '../../platform/mail/index.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';
import { and, eq, isNull } from 'drizzle-orm';
import { waitFor } from '../../platform/jobs/testing.ts';
import { inboundEmails } from './channels.schema.ts';
import { jobSchedules } from '../../platform/jobs/jobs.schema.ts';
import { defaultAddress } from './mail-settings.service.ts';
import { ingestForTenants } from './email.receive.ts';
import { processInboundEmail } from './email.process.ts';
import { rawMail, smtpSend, startTestListener, startTestWorker, waitProcessed } from './email.testkit.ts';

let t: TestApp;
let tenant: TestTenant;
let agent: Session;
let intruder: Session;
let smtp: SmtpListener;
let worker: Worker;
let to: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  intruder = await signIn(t.app, await createUser(t.database, await createTenant(t.database), ['admin']));
  smtp = await startTestListener(t.database);
  worker = startTestWorker(t.database);
  to = defaultAddress(tenant.slug);
});
afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
  await t?.close();
});

let seq = 0;
const mid = () => `c${++seq}.${Date.now()}@customer.example`;
const ticketOf = async (id: string) => (await agent.request({ method: 'GET', url: `/api/v1/tickets/${id}` })).json();
const sendRaw = (raw: Buffer, from = 'zhang.wei@customer.example') => smtpSend(smtp.port, { envelope: { from, to: [to] }, raw });

describe('real-world mail content', () => {
  it('decodes a GBK body with a GB2312 encoded-word subject and sender name', async () => {
    const id = mid();
    const raw = rawMail(
      {
        From: '=?GB2312?B?1cXOsA==?= <zhang.wei@customer.example>',
        To: to,
        Subject: '=?GB2312?B?sfnP5LK71sbA5A==?=',
        'Message-ID': `<${id}>`,
        Date: new Date().toUTCString(),
        'MIME-Version': '1.0',
        'Content-Type': 'text/plain; charset=GBK',
        'Content-Transfer-Encoding': '8bit',
      },
      Buffer.from('c4fabac3a3acced2b5c4b1f9cfe4b2bbd6c6c0e4c1cba3acc7ebc5c9caa6b8b5c9cfc3c5ceacd0dea1a3', 'hex'),
    );
    expect((await sendRaw(raw)).ok).toBe(true);
    const row = await waitProcessed(t.database, tenant.id, id);
    const tk = await ticketOf(row.ticketId!);
    expect(tk.subject).toBe('冰箱不制冷');
    expect(tk.customerName).toBe('张伟');
    expect(tk.messages[0]).toMatchObject({ authorName: '张伟', body: '您好，我的冰箱不制冷了，请派师傅上门维修。' });
    // Chinese search finds the decoded text (two-character word inside running text)
    const found = (await agent.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('师傅')}` })).json();
    expect(found.items.map((x: { id: string }) => x.id)).toContain(tk.id);
  });

  it('decodes Big5 bodies and quoted-printable Big5 subjects', async () => {
    const id = mid();
    const raw = rawMail(
      { From: 'chen@customer.example', To: to, Subject: '=?Big5?Q?=AB=4F=A9=54=AC=64=B8=DF?=', 'Message-ID': `<${id}>`, 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=big5', 'Content-Transfer-Encoding': 'base64' },
      Buffer.from('bdd0b0ddab4fa954b4c1a668a45ba148', 'hex').toString('base64') + '\r\n',
    );
    expect((await sendRaw(raw, 'chen@customer.example')).ok).toBe(true);
    const tk = await ticketOf((await waitProcessed(t.database, tenant.id, id)).ticketId!);
    expect(tk.subject).toBe('保固查詢');
    expect(tk.messages[0].body).toBe('請問保固期多久？');
  });

  it('sanitises HTML (no script, handlers, javascript: links, remote images) and stores attachments and inline images', async () => {
    const id = mid();
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const sent = await smtpSend(smtp.port, {
      from: '"Customer" <html.sender@customer.example>',
      to,
      subject: '=?UTF-8?B?5rSX6KGj5py65ryP5rC0?=',
      messageId: `<${id}>`,
      text: 'Plain text part: the washing machine leaks.',
      html:
        '<p onclick="steal()">The <b>washing machine</b> leaks.</p><script>alert(1)</script><style>p{color:red}</style>' +
        '<img src="x" onerror="alert(2)"><img src="https://tracker.example/pixel.gif"><img src="cid:photo1@local" alt="photo">' +
        '<a href="javascript:alert(3)">click</a> <a href="https://example.com/manual">manual</a><iframe src="https://evil.example"></iframe>',
      attachments: [
        { filename: '发票.pdf', content: Buffer.from('%PDF-1.4 fake invoice'), contentType: 'application/pdf' },
        { filename: 'evil.html', content: '<script>alert(4)</script>', contentType: 'text/html' },
        { filename: 'photo.png', content: png, contentType: 'image/png', cid: 'photo1@local' },
      ],
    });
    expect(sent.ok).toBe(true);
    const row = await waitProcessed(t.database, tenant.id, id);
    const tk = await ticketOf(row.ticketId!);
    expect(tk.subject).toBe('洗衣机漏水');
    expect(tk.messages[0].body).toContain('the washing machine leaks');

    const res = await agent.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}/attachments` });
    expect(res.statusCode).toBe(200);
    const [mail] = res.json();
    expect(mail.messageId).toBe(tk.messages[0].id);
    const html: string = mail.html;
    expect(html).toContain('<b>washing machine</b>');
    for (const bad of ['<script', 'alert(', 'onclick', 'onerror', '<style', 'javascript:', 'tracker.example', '<iframe']) expect(html, bad).not.toContain(bad);
    expect(html).toContain('href="https://example.com/manual"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    const files = mail.attachments as { fileId: string; filename: string; inline: boolean; url: string; size: number }[];
    expect(files.map((f) => f.filename).sort()).toEqual(['evil.html', 'photo.png', '发票.pdf']);
    const photo = files.find((f) => f.filename === 'photo.png')!;
    expect(photo.inline).toBe(true);
    expect(html).toContain(`src="${photo.url}"`);

    const pdf = files.find((f) => f.filename === '发票.pdf')!;
    const dl = await agent.request({ method: 'GET', url: pdf.url });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''${encodeURIComponent('发票.pdf')}`);
    expect(dl.rawPayload.toString()).toBe('%PDF-1.4 fake invoice');
    const evil = await agent.request({ method: 'GET', url: files.find((f) => f.filename === 'evil.html')!.url });
    expect(evil.headers['content-type']).toBe('application/octet-stream');
    expect(evil.headers['x-content-type-options']).toBe('nosniff');

    // another tenant: 404 for the file and for the ticket's attachment list, not 403
    expect((await intruder.request({ method: 'GET', url: pdf.url })).statusCode).toBe(404);
    await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/files', pdf.fileId);
    expect((await intruder.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}/attachments` })).statusCode).toBe(404);
  });

  it('keeps malformed mail instead of crashing, and takes an IMAP message only once', async () => {
    const garbage = Buffer.from('this is not\r\nreally: a\r\n\r\n\u0000\u0001 mail at all =?x?=', 'latin1');
    expect(await sendRaw(garbage)).toMatchObject({ ok: true, code: 250 });
    const [junk] = await waitFor(async () => {
      const rs = await t.database.db.select().from(inboundEmails).where(and(eq(inboundEmails.tenantId, tenant.id), isNull(inboundEmails.messageId)));
      return rs.length === 1 && rs[0].status !== 'received' ? rs : undefined;
    }, 'garbage processed');
    expect(junk.raw.toString('latin1')).toContain('really: a');
    expect(['processed', 'failed']).toContain(junk.status);
    const id = mid();
    const raw = rawMail({ From: 'imap.user@customer.example', To: to, Subject: 'Via IMAP', 'Message-ID': `<${id}>` }, 'polled\r\n');
    const first = await ingestForTenants(t.database.db, [tenant.id], raw, { source: 'imap', sourceKey: 'INBOX/1/7' });
    const again = await ingestForTenants(t.database.db, [tenant.id], raw, { source: 'imap', sourceKey: 'INBOX/1/7' });
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
    await processInboundEmail(t.database.db, tenant.id, first[0]);
    const row = await waitProcessed(t.database, tenant.id, id);
    expect(row.status).toBe('processed');
    // the same Message-ID arriving a second way (another poll key) becomes no second ticket
    const dup = await ingestForTenants(t.database.db, [tenant.id], raw, { source: 'imap', sourceKey: 'INBOX/2/1' });
    await processInboundEmail(t.database.db, tenant.id, dup[0]);
    const tickets = (await agent.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('Via IMAP')}` })).json();
    expect(tickets.items).toHaveLength(1);
  });
});

describe('mail settings', () => {
  it('lets an admin add inbound addresses, which then route mail; an address belongs to one tenant', async () => {
    const admin = await signIn(t.app, await createUser(t.database, tenant, ['admin']));
    const s = (await admin.request({ method: 'GET', url: '/api/v1/mail/settings' })).json();
    expect(s).toMatchObject({ fromAddress: to, defaultAddress: to, autoReply: true, addresses: [], imap: { enabled: false, passwordSet: false } });
    const res = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: s.version, addresses: ['Service@Shop.example'], fromName: '售后服务中心', imap: { host: 'imap.shop.example', user: 'svc', password: 'secret' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ addresses: ['service@shop.example'], fromName: '售后服务中心', imap: { host: 'imap.shop.example', passwordSet: true } });
    expect(JSON.stringify(res.json())).not.toContain('secret');
    const stale = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: s.version, autoReply: false } });
    expect(stale.statusCode).toBe(409);
    const taken = await intruder.request({ method: 'GET', url: '/api/v1/mail/settings' });
    const clash = await intruder.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: taken.json().version, addresses: ['service@shop.example'] } });
    expect(clash.statusCode).toBe(409);
    const id = mid();
    expect((await smtpSend(smtp.port, { from: 'x@customer.example', to: 'service@shop.example', subject: 'Alias', text: 'via alias', messageId: `<${id}>` })).ok).toBe(true);
    expect((await waitProcessed(t.database, tenant.id, id)).status).toBe('processed');
    expect((await agent.request({ method: 'GET', url: '/api/v1/mail/settings' })).statusCode).toBe(403);
    const log = (await admin.request({ method: 'GET', url: '/api/v1/mail/inbound?status=processed&limit=2' })).json();
    expect(log.items).toHaveLength(2);
    expect(log.items[0]).toMatchObject({ status: 'processed', subject: 'Alias', fromAddress: 'x@customer.example', source: 'smtp' });
    expect(log.nextCursor).toBeTruthy();

    // IMAP polling: enabling it schedules the poll job; an incomplete mailbox is refused
    const cur = (await admin.request({ method: 'GET', url: '/api/v1/mail/settings' })).json();
    const on = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: cur.version, imap: { enabled: true, intervalMinutes: 10 } } });
    expect(on.json().imap).toMatchObject({ enabled: true, intervalMinutes: 10 });
    const [sched] = await t.database.db.select().from(jobSchedules).where(and(eq(jobSchedules.tenantId, tenant.id), eq(jobSchedules.jobName, 'channels.imap_poll')));
    expect(sched).toMatchObject({ cron: '*/10 * * * *', enabled: true });
    const bad = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: on.json().version, imap: { host: null } } });
    expect(bad.statusCode).toBe(422);
    const off = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: on.json().version, imap: { enabled: false } } });
    expect(off.statusCode).toBe(200);
    expect(await t.database.db.select().from(jobSchedules).where(eq(jobSchedules.tenantId, tenant.id))).toEqual([]);
  });
});
