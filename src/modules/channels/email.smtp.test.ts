import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import type { Worker } from '../../platform/jobs/worker.ts';
import type { SmtpListener } from '../../platform/mail/index.ts';
import { jobs } from '../../platform/jobs/jobs.schema.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import { tickets } from '../tickets/index.ts';
import { inboundEmails } from './channels.schema.ts';
import { defaultAddress } from './mail-settings.service.ts';
import { inboundCount, outboxOf, smtpSend, startTestListener, startTestWorker, TEST_MAX_BYTES, waitProcessed } from './email.testkit.ts';

let t: TestApp;
let tenant: TestTenant;
let agent: Session;
let smtp: SmtpListener;
let worker: Worker;
let to: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { defaultLocale: 'en' });
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
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
const mid = () => `m${++seq}.${Date.now()}@customer.example`;
const ticketOf = async (id: string) => (await agent.request({ method: 'GET', url: `/api/v1/tickets/${id}` })).json();

describe('inbound SMTP', () => {
  it('turns a mail into a ticket with an auto-reply in the outbox; replies thread by In-Reply-To and by the number in the subject', async () => {
    const first = mid();
    const sent = await smtpSend(smtp.port, { from: '"Li Lei" <li.lei@customer.example>', to, subject: 'Dishwasher leaks', text: 'Water on the floor after every cycle.', messageId: `<${first}>` });
    expect(sent).toMatchObject({ ok: true, code: 250 });
    const row = await waitProcessed(t.database, tenant.id, first);
    expect(row.status).toBe('processed');
    const tk = await ticketOf(row.ticketId!);
    expect(tk).toMatchObject({ subject: 'Dishwasher leaks', channel: 'email', customerName: 'Li Lei', status: 'new' });
    expect(tk.messages.map((m: { authorType: string; kind: string }) => `${m.authorType}/${m.kind}`)).toEqual(['customer/public', 'system/auto']);

    const [auto] = await waitFor(async () => {
      const out = await outboxOf(t.database, tenant.id, tk.id);
      return out.length === 1 && out[0].status === 'sent' ? out : undefined;
    }, 'auto-reply sent');
    expect(auto).toMatchObject({ kind: 'auto_reply', toAddress: 'li.lei@customer.example', transport: 'local' });
    expect(auto.subject).toContain(tk.number);
    expect(auto.raw).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(auto.raw).toContain(`In-Reply-To: <${first}>`);
    const list = (await agent.request({ method: 'GET', url: `/api/v1/mail/outbox?ticketId=${tk.id}` })).json();
    expect(list.items.map((m: { id: string }) => m.id)).toEqual([auto.id]);
    const one = (await agent.request({ method: 'GET', url: `/api/v1/mail/outbox/${auto.id}` })).json();
    expect(one.raw).toContain(`Message-ID: <${auto.messageId}>`);

    // the customer answers the auto-reply: In-Reply-To is our Message-ID
    const second = mid();
    await smtpSend(smtp.port, { from: 'li.lei@customer.example', to, subject: `Re: ${auto.subject}`, text: 'Model DW-60, bought in May.', messageId: `<${second}>`, inReplyTo: `<${auto.messageId}>`, references: [`<${first}>`, `<${auto.messageId}>`] });
    expect((await waitProcessed(t.database, tenant.id, second)).ticketId).toBe(tk.id);

    // a new mail with only the ticket number in the subject, from the ticket's customer
    const third = mid();
    await smtpSend(smtp.port, { from: 'Li.Lei@customer.example', to, subject: `Photos for [${tk.number}]`, text: 'See above.', messageId: `<${third}>` });
    expect((await waitProcessed(t.database, tenant.id, third)).ticketId).toBe(tk.id);
    // the same number from a stranger does not write into this ticket
    const fourth = mid();
    await smtpSend(smtp.port, { from: 'stranger@elsewhere.example', to, subject: `About ${tk.number}`, text: 'Hi', messageId: `<${fourth}>` });
    expect((await waitProcessed(t.database, tenant.id, fourth)).ticketId).not.toBe(tk.id);

    const after = await ticketOf(tk.id);
    expect(after.messages.filter((m: { authorType: string }) => m.authorType === 'customer')).toHaveLength(3);
    expect((await outboxOf(t.database, tenant.id, tk.id)).filter((m) => m.kind === 'auto_reply')).toHaveLength(1);
  });

  it("sends an agent's public reply to the customer, threaded; the customer's answer lands on the same ticket", async () => {
    const first = mid();
    await smtpSend(smtp.port, { from: 'Wang Fang <wang.fang@customer.example>', to, subject: 'Re: Fridge noise', text: 'It hums loudly.', messageId: `<${first}>` });
    const row = await waitProcessed(t.database, tenant.id, first);
    const res = await agent.request({ method: 'POST', url: `/api/v1/tickets/${row.ticketId}/messages`, payload: { kind: 'public', body: 'Please check that the fridge stands level.' } });
    expect(res.statusCode).toBe(201);
    await agent.request({ method: 'POST', url: `/api/v1/tickets/${row.ticketId}/messages`, payload: { kind: 'note', body: 'internal: likely compressor' } });
    const reply = await waitFor(async () => (await outboxOf(t.database, tenant.id, row.ticketId!)).find((m) => m.kind === 'reply' && m.status === 'sent'), 'agent reply sent');
    const tk = await ticketOf(row.ticketId!);
    expect(reply.subject).toBe(`Re: Fridge noise [${tk.number}]`);
    expect(reply.toAddress).toBe('wang.fang@customer.example');
    expect(reply.raw).toContain(`In-Reply-To: <${first}>`);
    expect(reply.raw).toContain('Please check that the fridge stands level.');
    expect(reply.raw).not.toContain('internal: likely compressor');
    const answer = mid();
    await smtpSend(smtp.port, { from: 'wang.fang@customer.example', to, subject: reply.subject, text: 'It is level now, thanks.', messageId: `<${answer}>`, inReplyTo: `<${reply.messageId}>` });
    expect((await waitProcessed(t.database, tenant.id, answer)).ticketId).toBe(row.ticketId);
    expect((await ticketOf(row.ticketId!)).status).toBe('open');
  });

  it('rejects an unknown recipient with 550 and an oversize message with 552, storing nothing', async () => {
    const before = await inboundCount(t.database);
    const unknown = await smtpSend(smtp.port, { from: 'a@customer.example', to: 'support@no-such-tenant.localhost', subject: 'x', text: 'x' });
    expect(unknown.ok).toBe(false);
    expect(unknown.code).toBe(550);
    const huge = await smtpSend(smtp.port, { from: 'a@customer.example', to, subject: 'big', text: 'x'.repeat(TEST_MAX_BYTES + 10_000) });
    expect(huge.ok).toBe(false);
    expect(huge.code).toBe(552);
    expect(huge.response).toMatch(/too big|size/i);
    expect(await inboundCount(t.database)).toBe(before);
  });

  it('sends no auto-reply to auto-responders, bulk or list mail, robots, and at most 5 per sender a day', async () => {
    const cases: Record<string, string>[] = [
      { 'Auto-Submitted': 'auto-replied' },
      { Precedence: 'bulk' },
      { 'X-Autoreply': 'yes' },
      { 'X-Auto-Response-Suppress': 'All' },
      { 'List-Id': '<news.customer.example>' },
      { 'List-Unsubscribe': '<mailto:leave@customer.example>' },
    ];
    const ids: string[] = [];
    for (const headers of cases) {
      const id = mid();
      ids.push(id);
      await smtpSend(smtp.port, { from: 'robot-ish@customer.example', to, subject: `Out of office ${id}`, text: 'I am away.', messageId: `<${id}>`, headers });
    }
    const daemon = mid();
    ids.push(daemon);
    await smtpSend(smtp.port, { from: 'MAILER-DAEMON@customer.example', to, subject: 'Undelivered Mail Returned to Sender', text: 'bounce', messageId: `<${daemon}>` });
    for (const id of ids) {
      const row = await waitProcessed(t.database, tenant.id, id);
      expect(row.automated, id).toBeTruthy();
      expect(await outboxOf(t.database, tenant.id, row.ticketId!)).toEqual([]);
    }
    const flood: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = mid();
      flood.push(id);
      await smtpSend(smtp.port, { from: 'flood@customer.example', to, subject: `Question ${i}`, text: 'hello', messageId: `<${id}>` });
    }
    let replies = 0;
    for (const id of flood) replies += (await outboxOf(t.database, tenant.id, (await waitProcessed(t.database, tenant.id, id)).ticketId!)).length;
    expect(replies).toBe(5);
  });

  it('keeps an accepted message through a crash: stored before 250, processed when a worker runs again', async () => {
    await worker.stop();
    const id = mid();
    const sent = await smtpSend(smtp.port, { from: 'zhao@customer.example', to, subject: 'Crash test', text: 'Stored first.', messageId: `<${id}>` });
    expect(sent.ok).toBe(true);
    const [stored] = await t.database.db.select().from(inboundEmails).where(and(eq(inboundEmails.tenantId, tenant.id), eq(inboundEmails.messageId, id)));
    expect(stored).toMatchObject({ status: 'received', ticketId: null, subject: 'Crash test' });
    // a worker took the job and died mid-way: the job is 'running', locked by a process that is gone
    const [job] = await t.database.db
      .update(jobs)
      .set({ status: 'running', lockedBy: 'crashed-worker', lockedAt: new Date(Date.now() - 3600_000), attempts: 1 })
      .where(and(eq(jobs.tenantId, tenant.id), eq(jobs.dedupeKey, `email:${stored.id}`)))
      .returning();
    expect(job).toBeTruthy();
    worker = startTestWorker(t.database, { lockTimeoutMs: 500 });
    const row = await waitProcessed(t.database, tenant.id, id);
    expect(row.status).toBe('processed');
    const [tk] = await t.database.db.select().from(tickets).where(and(eq(tickets.tenantId, tenant.id), eq(tickets.id, row.ticketId!)));
    expect(tk.subject).toBe('Crash test');
  });

  it('lets a second tenant have its own address, and keeps tenants apart', async () => {
    const other = await createTenant(t.database);
    const id = mid();
    await smtpSend(smtp.port, { from: 'li.lei@customer.example', to: defaultAddress(other.slug), subject: 'Other shop', text: 'hi', messageId: `<${id}>` });
    const row = await waitProcessed(t.database, other.id, id);
    expect(row.tenantId).toBe(other.id);
    expect((await agent.request({ method: 'GET', url: `/api/v1/tickets/${row.ticketId}` })).statusCode).toBe(404);
  });
});
