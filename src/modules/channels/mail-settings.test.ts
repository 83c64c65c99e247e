import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { expectOtherTenantsIdsToBe404 } from '../../platform/tenancy/isolation.ts';
import { ingestForTenants } from './email.receive.ts';
import { processInboundEmail } from './email.process.ts';
import { outboxOf, rawMail } from './email.testkit.ts';
import { inboundEmails } from './channels.schema.ts';
import { and, eq } from 'drizzle-orm';

let t: TestApp;
let tenant: TestTenant;
let admin: Session;
let agent: Session;
let intruder: Session;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { defaultLocale: 'en' });
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin'], { locale: 'zh-CN' }));
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  intruder = await signIn(t.app, await createUser(t.database, await createTenant(t.database), ['admin']));
});
afterAll(() => t?.close());

/** A mail taken in (as IMAP would) and processed: the ticket and its outbox rows. */
async function mailIn(subject: string, from = 'Sun Li <sun.li@customer.example>') {
  const [id] = await ingestForTenants(t.database.db, [tenant.id], rawMail({ From: from, To: 'support@x.localhost', Subject: subject, 'Message-ID': `<${subject.replace(/\W/g, '')}.${Date.now()}@customer.example>` }, 'hello'), { source: 'imap', sourceKey: `INBOX/1/${subject}` });
  await processInboundEmail(t.database.db, tenant.id, id);
  const [row] = await t.database.db.select().from(inboundEmails).where(and(eq(inboundEmails.tenantId, tenant.id), eq(inboundEmails.id, id)));
  return { row, outbox: await outboxOf(t.database, tenant.id, row.ticketId!) };
}

describe('mail settings', () => {
  it('shows defaults, the built-in auto-reply, transports and checks; only to admins', async () => {
    const res = await admin.request({ method: 'GET', url: '/api/v1/mail/settings' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      autoReply: true,
      autoReplySubject: null,
      autoReplyBody: null,
      dmarcPolicy: 'accept',
      outgoing: { transport: 'local', relay: null },
      incoming: { starttls: false, authChecks: true },
    });
    // the tenant's language, with the placeholders left for the admin to read
    expect(res.json().defaultAutoReply.subject).toBe('[{{number}}] We have received your request: {{subject}}');
    expect((await agent.request({ method: 'GET', url: '/api/v1/mail/settings' })).statusCode).toBe(403);
    expect((await agent.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: 1, dmarcPolicy: 'reject' } })).statusCode).toBe(403);
  });

  it("sends the tenant's own auto-reply template; refuses unknown placeholders in the admin's language; resets to the built-in text", async () => {
    const s = (await admin.request({ method: 'GET', url: '/api/v1/mail/settings' })).json();
    const bad = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: s.version, autoReplyBody: 'Hi {{nmae}}' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().fieldErrors[0]).toMatchObject({ path: 'autoReplyBody' });
    expect(bad.json().fieldErrors[0].message).toContain('未知的占位符 {{nmae}}');
    const ok = await admin.request({
      method: 'PATCH',
      url: '/api/v1/mail/settings',
      payload: { version: s.version, autoReplySubject: 'Got it: {{ subject }} ({{number}})', autoReplyBody: 'Dear {{name}},\n\nyour number is {{number}}.\n\nService team' },
    });
    expect(ok.statusCode).toBe(200);
    const { row, outbox } = await mailIn('Kettle leaks');
    const ticket = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${row.ticketId}` })).json();
    expect(outbox).toHaveLength(1);
    expect(outbox[0].subject).toBe(`Got it: Kettle leaks (${ticket.number})`);
    const detail = (await agent.request({ method: 'GET', url: `/api/v1/mail/outbox/${outbox[0].id}` })).json();
    expect(detail.text).toBe(`Dear Sun Li,\n\nyour number is ${ticket.number}.\n\nService team`);
    expect(detail.html).toContain(`<p>Dear Sun Li,</p>`);
    // the conversation shows what the customer got
    expect(ticket.messages.find((m: { kind: string }) => m.kind === 'auto').body).toBe(detail.text);

    const stale = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: s.version, autoReplySubject: null } });
    expect(stale.statusCode).toBe(409);
    const reset = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: ok.json().version, autoReplySubject: null, autoReplyBody: null } });
    expect(reset.json()).toMatchObject({ autoReplySubject: null, autoReplyBody: null });
    const again = await mailIn('Toaster sparks', 'zhou@customer.example');
    expect(again.outbox[0].subject).toMatch(/^\[T-\d{4}-\d{6}\] We have received your request: Toaster sparks$/);
  });

  it('keeps outbox mail, inbound log and uploads per tenant', async () => {
    const { outbox } = await mailIn('Fan rattles', 'wu@customer.example');
    await expectOtherTenantsIdsToBe404(t.app, intruder, '/api/v1/mail/outbox', outbox[0].id);
    const theirs = (await intruder.request({ method: 'GET', url: '/api/v1/mail/inbound' })).json();
    expect(theirs.items).toEqual([]);
    const ours = (await admin.request({ method: 'GET', url: '/api/v1/mail/inbound?status=processed' })).json();
    expect(ours.items.length).toBeGreaterThanOrEqual(3);
    // IMAP mail was not checked at SMTP: no verdicts
    expect(ours.items.every((m: { auth: unknown; status: string }) => m.auth === null && m.status === 'processed')).toBe(true);
    expect((await admin.request({ method: 'GET', url: '/api/v1/mail/inbound?status=failed' })).json().items).toEqual([]);
  });
});
