import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import type { Worker } from '../../platform/jobs/worker.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import type { SmtpListener } from '../../platform/mail/index.ts';
import { defaultAddress } from './mail-settings.service.ts';
import { outboxOf, smtpSend, startTestListener, startTestWorker, waitProcessed } from './email.testkit.ts';

let t: TestApp;
let tenant: TestTenant;
let agent: Session;
let smtp: SmtpListener;
let worker: Worker;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { defaultLocale: 'en' });
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  smtp = await startTestListener(t.database);
  worker = startTestWorker(t.database);
});
afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
  await t?.close();
});

describe('mail and merged tickets', () => {
  it('threads a reply to a merged ticket onto the ticket it was merged into, attachments included', async () => {
    const to = defaultAddress(tenant.slug);
    const a = `merge-a.${Date.now()}@customer.example`;
    const b = `merge-b.${Date.now()}@customer.example`;
    await smtpSend(smtp.port, { from: 'Sun Li <sun.li@customer.example>', to, subject: 'Oven broken', html: '<p>It <i>does not</i> heat.</p>', messageId: `<${a}>`, attachments: [{ filename: 'oven.txt', content: 'serial 42' }] });
    await smtpSend(smtp.port, { from: 'sun.li@customer.example', to, subject: 'Oven still broken', text: 'Any news?', messageId: `<${b}>` });
    const ta = (await waitProcessed(t.database, tenant.id, a)).ticketId!;
    const tb = (await waitProcessed(t.database, tenant.id, b)).ticketId!;
    expect(ta).not.toBe(tb);
    const [autoA] = await waitFor(async () => {
      const out = await outboxOf(t.database, tenant.id, ta);
      return out.length ? out : undefined;
    }, 'auto-reply of A');
    const cur = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${ta}` })).json();
    const merged = await agent.request({ method: 'POST', url: `/api/v1/tickets/${ta}/merge`, payload: { version: cur.version, intoTicketId: tb } });
    expect(merged.statusCode).toBe(200);

    const reply = `merge-r.${Date.now()}@customer.example`;
    await smtpSend(smtp.port, { from: 'sun.li@customer.example', to, subject: `Re: ${autoA.subject}`, text: 'Photo attached.', messageId: `<${reply}>`, inReplyTo: `<${autoA.messageId}>` });
    expect((await waitProcessed(t.database, tenant.id, reply)).ticketId).toBe(tb);
    const mails = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${tb}/attachments` })).json();
    const withFile = mails.find((m: { attachments: { filename: string }[] }) => m.attachments.some((f) => f.filename === 'oven.txt'));
    expect(withFile?.html).toContain('<i>does not</i>');
  });
});
