import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import type { Worker } from '../../platform/jobs/worker.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import { automatedReason, startSmtpListener, type SmtpListener } from '../../platform/mail/index.ts';
import { defaultAddress, imapCron } from './mail-settings.service.ts';
import { replySubject } from './email.reply.ts';
import { outboxOf, smtpSend, startTestListener, startTestWorker, waitProcessed } from './email.testkit.ts';

let t: TestApp;
let tenant: TestTenant;
let agent: Session;
let intake: SmtpListener;
let relay: SmtpListener | null;
let worker: Worker;
const relayed: { raw: string; to: string[] }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { defaultLocale: 'zh-CN' });
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
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
    }, 'auto-reply relayed');
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
