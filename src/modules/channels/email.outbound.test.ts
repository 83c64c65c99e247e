import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import type { Worker } from '../../platform/jobs/worker.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import { automatedReason, parseEmail, startSmtpListener, textToHtml, type SmtpListener } from '../../platform/mail/index.ts';
import { defaultAddress, imapCron } from './mail-settings.service.ts';
import { replySubject } from './email.reply.ts';
import { outboxOf, smtpSend, startTestListener, startTestWorker, waitProcessed } from './email.testkit.ts';

let t: TestApp;
let tenant: TestTenant;
let agent: Session;
let analyst: Session;
let intruder: Session;
let intake: SmtpListener;
let relay: SmtpListener | null;
let worker: Worker;
const relayed: { raw: string; to: string[] }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { defaultLocale: 'zh-CN' });
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  analyst = await signIn(t.app, await createUser(t.database, tenant, ['analyst']));
  intruder = await signIn(t.app, await createUser(t.database, await createTenant(t.database), ['admin']));
  intake = await startTestListener(t.database);
  // a stand-in for the company's outgoing mail server, on loopback
  relay = await startSmtpListener({
    host: '127.0.0.1',
    port: 0,
    maxBytes: 1_000_000,
    acceptRecipient: async () => true,
    onMessage: async (raw, env) => void relayed.push({ raw: raw.toString('utf8'), to: env.rcptTo }),
  });
  process.env.SMTP_OUT_URL = `smtp://127.0.0.1:${relay.port}`;
  worker = startTestWorker(t.database);
});
afterAll(async () => {
  delete process.env.SMTP_OUT_URL;
  await worker?.stop();
  await intake?.close();
  await relay?.close();
  await t?.close();
});

describe('outgoing mail over SMTP (SMTP_OUT_URL)', () => {
  it('sends the auto-reply in the tenant language through the relay; a relay outage is retried and finally marked failed', async () => {
    const id = `out1.${Date.now()}@customer.example`;
    await smtpSend(intake.port, { from: '刘洋 <liu.yang@customer.example>', to: defaultAddress(tenant.slug), subject: '空调异响', text: '空调运行时有异响。', messageId: `<${id}>` });
    const row = await waitProcessed(t.database, tenant.id, id);
    const [auto] = await waitFor(async () => {
      const out = await outboxOf(t.database, tenant.id, row.ticketId!);
      return out[0]?.status === 'sent' ? out : undefined;
    }, 'auto-reply relayed', { timeoutMs: 60_000 });
    expect(auto.transport).toBe('smtp');
    expect(relayed).toHaveLength(1);
    expect(relayed[0].to).toEqual(['liu.yang@customer.example']);
    expect(relayed[0].raw).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(relayed[0].raw).toContain(`Message-ID: <${auto.messageId}>`);
    expect(auto.subject).toMatch(/^\[T-\d{4}-\d{6}\] 我们已收到您的请求：空调异响$/);

    await relay!.close();
    relay = null;
    await agent.request({ method: 'POST', url: `/api/v1/tickets/${row.ticketId}/messages`, payload: { kind: 'public', body: '请问购买日期？' } });
    const failed = await waitFor(async () => (await outboxOf(t.database, tenant.id, row.ticketId!)).find((m) => m.kind === 'reply' && m.status === 'failed'), 'reply failed', { timeoutMs: 20_000 });
    expect(failed.attempts).toBe(8);
    expect(failed.error).toBeTruthy();
  });
});

describe('agent reply with files', () => {
  const upload = (s: Session, name: string, type: string, data: Buffer) =>
    s.request({ method: 'POST', url: `/api/v1/files?filename=${encodeURIComponent(name)}`, headers: { 'content-type': 'application/octet-stream', 'x-file-type': type }, payload: data });

  it('goes out as multipart/mixed: text and HTML alternatives plus the file; threaded, numbered, and listed on the ticket', async () => {
    // a fresh relay: the test above took the first one down
    relay = await startSmtpListener({ host: '127.0.0.1', port: 0, maxBytes: 5_000_000, acceptRecipient: async () => true, onMessage: async (raw, env) => void relayed.push({ raw: raw.toString('utf8'), to: env.rcptTo }) });
    process.env.SMTP_OUT_URL = `smtp://127.0.0.1:${relay.port}`;
    relayed.length = 0;
    const id = `files1.${Date.now()}@customer.example`;
    await smtpSend(intake.port, { from: 'Chen Jing <chen.jing@customer.example>', to: defaultAddress(tenant.slug), subject: '洗衣机不脱水', text: '请看说明书哪一页？', messageId: `<${id}>`, headers: { 'Auto-Submitted': 'auto-generated' } });
    const row = await waitProcessed(t.database, tenant.id, id);

    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 7)]);
    const up = await upload(agent, '保修卡.pdf', 'application/pdf', pdf);
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ filename: '保修卡.pdf', contentType: 'application/pdf', size: pdf.length });
    const body = '您好，\n\n请看附件第 3 页。<b>不是标签</b>\n谢谢';
    const res = await agent.request({ method: 'POST', url: `/api/v1/tickets/${row.ticketId}/replies`, payload: { kind: 'public', body, attachmentIds: [up.json().id] } });
    expect(res.statusCode).toBe(201);
    expect(res.json().attachments).toMatchObject([{ fileId: up.json().id, filename: '保修卡.pdf' }]);

    const out = await waitFor(async () => (await outboxOf(t.database, tenant.id, row.ticketId!)).find((m) => m.kind === 'reply' && m.status === 'sent'), 'reply relayed', { timeoutMs: 60_000 });
    expect(relayed).toHaveLength(1);
    const raw = relayed[0].raw;
    expect(raw).toMatch(/^Content-Type: multipart\/mixed;/m);
    expect(raw).toMatch(/Content-Type: multipart\/alternative;/);
    expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
    const mail = await parseEmail(Buffer.from(raw, 'utf8'));
    const ticket = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${row.ticketId}` })).json();
    expect(mail.subject).toBe(`Re: 洗衣机不脱水 [${ticket.number}]`);
    expect(mail.messageId).toBe(out.messageId);
    expect(mail.inReplyTo).toEqual([id]);
    expect(mail.references).toEqual([id]);
    expect(mail.text).toBe(body);
    expect(mail.html).toBe(textToHtml(body));
    expect(mail.html).toContain('&lt;b&gt;不是标签&lt;/b&gt;<br>');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: '保修卡.pdf', contentType: 'application/pdf', inline: false });
    expect(mail.attachments[0].content.equals(pdf)).toBe(true);

    // the outbox viewer reads the same mail back: text, sanitised HTML, the file
    const detail = (await agent.request({ method: 'GET', url: `/api/v1/mail/outbox/${out.id}` })).json();
    expect(detail).toMatchObject({ text: body, attachments: [{ filename: '保修卡.pdf', contentType: 'application/pdf', size: pdf.length }] });
    expect(detail.html).toContain('请看附件第 3 页');
    expect(detail.html).not.toMatch(/<html|<meta/);
    // the console lists the file on the agent's message
    const files = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${row.ticketId}/attachments` })).json();
    expect(files.find((m: { messageId: string }) => m.messageId === res.json().id).attachments).toMatchObject([{ filename: '保修卡.pdf' }]);
  });

  it('keeps files within the tenant and the role: unknown or foreign ids 422, foreign tickets 404, read-only roles 403, empty files 422', async () => {
    const mine = (await upload(agent, 'a.txt', 'text/plain', Buffer.from('hello'))).json();
    const theirs = (await upload(intruder, 'b.txt', 'text/plain', Buffer.from('secret'))).json();
    const ticket = (await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: 'Files', type: 'inquiry', priority: 'p3', channel: 'phone', customer: { name: 'Zhou' } } })).json();
    const reply = (s: Session, ticketId: string, ids: string[]) => s.request({ method: 'POST', url: `/api/v1/tickets/${ticketId}/replies`, payload: { kind: 'note', body: 'see file', attachmentIds: ids } });
    const foreign = await reply(agent, ticket.id, [theirs.id]);
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().fieldErrors[0]).toMatchObject({ path: 'attachmentIds' });
    expect((await reply(intruder, ticket.id, [theirs.id])).statusCode).toBe(404);
    expect((await reply(analyst, ticket.id, [mine.id])).statusCode).toBe(403);
    expect((await upload(analyst, 'c.txt', 'text/plain', Buffer.from('x'))).statusCode).toBe(403);
    expect((await upload(agent, 'empty.txt', 'text/plain', Buffer.alloc(0))).statusCode).toBe(422);
    const note = await reply(agent, ticket.id, [mine.id]);
    expect(note.statusCode).toBe(201);
    // a note is internal: nothing is mailed
    expect(await outboxOf(t.database, tenant.id, ticket.id)).toEqual([]);
    expect((await intruder.request({ method: 'GET', url: `/api/v1/files/${mine.id}` })).statusCode).toBe(404);
    const download = await agent.request({ method: 'GET', url: `/api/v1/files/${mine.id}` });
    expect(download.body).toBe('hello');
  });
});

describe('rules', () => {
  it('polls IMAP on a valid cron for any interval', () => {
    expect(imapCron(5)).toBe('*/5 * * * *');
    expect(imapCron(90)).toBe('0 */2 * * *');
    expect(imapCron(1440)).toBe('0 0 * * *');
  });

  it('builds reply subjects without piling up prefixes', () => {
    expect(replySubject('Fridge noise', 'T-2026-000001')).toBe('Re: Fridge noise [T-2026-000001]');
    expect(replySubject('Re: RE: Fridge noise [T-2026-000001]', 'T-2026-000001')).toBe('Re: Fridge noise [T-2026-000001]');
    expect(replySubject('回复：冰箱噪音', 'T-2026-000002')).toBe('Re: 冰箱噪音 [T-2026-000002]');
  });

  it('recognises automatic mail by its headers and sender', () => {
    const h = (o: Record<string, string>) => new Map(Object.entries(o));
    expect(automatedReason(h({}), 'person@x.example')).toBeNull();
    expect(automatedReason(h({ 'auto-submitted': 'no' }), 'person@x.example')).toBeNull();
    expect(automatedReason(h({ 'auto-submitted': 'auto-generated' }), 'person@x.example')).toMatch(/auto-submitted/);
    expect(automatedReason(h({ precedence: 'junk' }), 'person@x.example')).toMatch(/precedence/);
    expect(automatedReason(h({ precedence: 'first-class' }), 'person@x.example')).toBeNull();
    expect(automatedReason(h({}), 'no-reply@shop.example')).toMatch(/robot/);
    expect(automatedReason(h({}), 'postmaster@shop.example')).toMatch(/robot/);
    expect(automatedReason(h({}), null)).toBe('no sender');
    expect(automatedReason(h({ 'return-path': '<>' }), 'person@x.example')).toMatch(/return path/);
  });
});
