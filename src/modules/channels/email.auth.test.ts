import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { dkimSign, type DKIMSignOptions } from 'mailauth';
import { generate } from 'selfsigned';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import type { Worker } from '../../platform/jobs/worker.ts';
import type { SmtpListener } from '../../platform/mail/index.ts';
import { inboundEmails } from './channels.schema.ts';
import { defaultAddress } from './mail-settings.service.ts';
import { startMailListener } from './mail-listener.ts';
import { rejectsByDmarc } from './email.receive.ts';
import { fixedResolver, inboundCount, rawMail, smtpSend, startTestListener, startTestWorker, TEST_MAX_BYTES, waitProcessed } from './email.testkit.ts';

let t: TestApp;
let tenant: TestTenant;
let admin: Session;
let agent: Session;
let smtp: SmtpListener;
let worker: Worker;
let to: string;

// the signing key of customer.example; its public half is published in the fixed DNS below
const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dkimPublic = dkimKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const dns = fixedResolver({
  'TXT customer.example': [['v=spf1 ip4:127.0.0.1 -all']],
  'TXT sel1._domainkey.customer.example': [['v=DKIM1; k=rsa; p=', dkimPublic]],
  'TXT _dmarc.customer.example': [['v=DMARC1; p=reject']],
  // a domain whose mail never comes from our loopback client: SPF fails, DMARC asks for rejection
  'TXT bank.example': [['v=spf1 ip4:192.0.2.10 -all']],
  'TXT _dmarc.bank.example': [['v=DMARC1; p=reject']],
  'TXT relaxed.example': [['v=spf1 ip4:192.0.2.10 -all']],
  'TXT _dmarc.relaxed.example': [['v=DMARC1; p=none']],
});

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { defaultLocale: 'en' });
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin']));
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  smtp = await startTestListener(t.database, { resolver: dns });
  worker = startTestWorker(t.database);
  to = defaultAddress(tenant.slug);
});
afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
  await t?.close();
});

let seq = 0;
const mid = () => `auth${++seq}.${Date.now()}@test.example`;
const rowOf = async (id: string) => (await t.database.db.select().from(inboundEmails).where(and(eq(inboundEmails.tenantId, tenant.id), eq(inboundEmails.messageId, id))))[0];

async function signed(from: string, messageId: string): Promise<Buffer> {
  const msg = rawMail({ From: from, To: to, Subject: 'Signed question', 'Message-ID': `<${messageId}>`, Date: new Date().toUTCString(), 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8' }, 'Is my warranty still valid?\r\n');
  const privateKey = dkimKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // mailauth 4.13 reads `signatureData` at run time (as its README says); its .d.ts still declares the old flat shape.
  // signTime is given because without it mailauth reads the clock twice, once for the t= it signs and once for the
  // t= it writes: when the RSA signature straddles a half second (1 run in a few hundred, more on a busy CI
  // machine) the two differ and the signature is bad.
  const opts = { canonicalization: 'relaxed/relaxed', signTime: new Date(), signatureData: [{ signingDomain: 'customer.example', selector: 'sel1', privateKey }] } as unknown as DKIMSignOptions;
  const sig = await dkimSign(msg, opts);
  expect(sig.errors).toEqual([]);
  return Buffer.concat([Buffer.from(sig.signatures), msg]);
}

describe('SPF, DKIM and DMARC of received mail', () => {
  it('records pass for a DKIM-signed message from a permitted address and shows it in the inbound log', async () => {
    const id = mid();
    const sent = await smtpSend(smtp.port, { envelope: { from: 'li@customer.example', to: [to] }, raw: await signed('Li <li@customer.example>', id) });
    expect(sent.ok).toBe(true);
    const row = await waitProcessed(t.database, tenant.id, id);
    expect(row.authDkim, row.authResults ?? '').toBe('pass');
    expect(row).toMatchObject({ authSpf: 'pass', authDkim: 'pass', authDmarc: 'pass', remoteIp: expect.stringMatching(/127\.0\.0\.1/) });
    expect(row.authResults).toMatch(/dkim=pass/);
    const log = (await admin.request({ method: 'GET', url: '/api/v1/mail/inbound' })).json();
    expect(log.items.find((m: { messageId: string }) => m.messageId === id).auth).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
    // the log is for admins
    expect((await agent.request({ method: 'GET', url: '/api/v1/mail/inbound' })).statusCode).toBe(403);
  });

  it('detects a tampered body (DKIM does not verify) while SPF still passes', async () => {
    const id = mid();
    const raw = Buffer.from((await signed('li@customer.example', id)).toString('latin1').replace('warranty', 'WARRANTY'), 'latin1');
    await smtpSend(smtp.port, { envelope: { from: 'li@customer.example', to: [to] }, raw });
    const row = await waitProcessed(t.database, tenant.id, id);
    // mailauth reports a body-hash mismatch as neutral (RFC 6376 §6.1.3), with the reason in the header
    expect(row).toMatchObject({ authSpf: 'pass', authDkim: 'neutral', authDmarc: 'pass' });
    expect(row.authResults).toMatch(/dkim=neutral \(body hash did not verify\)/);
  });

  it('accepts and marks a spoofed sender by default; rejects it with 550 once the policy says reject', async () => {
    const spoof = (id: string, from = 'security@bank.example') => smtpSend(smtp.port, { from, to, subject: 'Verify your account', text: 'Click here', messageId: `<${id}>` });
    const first = mid();
    expect((await spoof(first)).ok).toBe(true);
    expect(await waitProcessed(t.database, tenant.id, first)).toMatchObject({ authSpf: 'fail', authDkim: 'none', authDmarc: 'fail' });

    const settings = (await admin.request({ method: 'GET', url: '/api/v1/mail/settings' })).json();
    expect(settings.dmarcPolicy).toBe('accept');
    const changed = await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: settings.version, dmarcPolicy: 'reject' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().dmarcPolicy).toBe('reject');

    const before = await inboundCount(t.database);
    const second = mid();
    const refused = await spoof(second);
    expect(refused).toMatchObject({ ok: false, code: 550 });
    expect(refused.response).toMatch(/DMARC/);
    expect(await inboundCount(t.database)).toBe(before);
    // a domain that publishes p=none asks for reports only: its failing mail is still taken
    const third = mid();
    expect((await spoof(third, 'news@relaxed.example')).ok).toBe(true);
    expect(await waitProcessed(t.database, tenant.id, third)).toMatchObject({ authSpf: 'fail', authDmarc: 'fail' });
    // authentic mail still passes under the reject policy
    const fourth = mid();
    expect((await smtpSend(smtp.port, { envelope: { from: 'li@customer.example', to: [to] }, raw: await signed('li@customer.example', fourth) })).ok).toBe(true);
    await admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: changed.json().version, dmarcPolicy: 'accept' } });
  });

  it('decides rejection from the tenant policy and the domain policy together', () => {
    const v = (dmarc: string, dmarcPolicy: string | null) => ({ spf: 'fail', dkim: 'none', dmarc, dmarcPolicy, header: '' });
    expect(rejectsByDmarc('reject', v('fail', 'reject'))).toBe(true);
    expect(rejectsByDmarc('reject', v('fail', 'quarantine'))).toBe(true);
    expect(rejectsByDmarc('reject', v('fail', 'none'))).toBe(false);
    expect(rejectsByDmarc('reject', v('pass', 'reject'))).toBe(false);
    expect(rejectsByDmarc('accept', v('fail', 'reject'))).toBe(false);
    expect(rejectsByDmarc('reject', null)).toBe(false);
  });
});

describe('STARTTLS', () => {
  let dir: string;
  let tlsListener: SmtpListener | null = null;
  let cert: string;
  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-tls-'));
    fs.writeFileSync(path.join(dir, 'key.pem'), pems.private);
    fs.writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
    cert = pems.cert;
    // the production path: SMTP_TLS_KEY / SMTP_TLS_CERT name PEM files
    tlsListener = await startMailListener(
      t.database,
      { smtpHost: '127.0.0.1', smtpPort: 0, smtpMaxBytes: TEST_MAX_BYTES, mailDomain: 'localhost', smtpTlsKey: path.join(dir, 'key.pem'), smtpTlsCert: path.join(dir, 'cert.pem') },
      { resolver: dns },
    );
  });
  afterAll(async () => {
    await tlsListener?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('upgrades the session with STARTTLS and the configured certificate, then takes the mail', async () => {
    const id = mid();
    const sent = await smtpSend(tlsListener!.port, { from: 'li@customer.example', to, subject: 'Over TLS', text: 'encrypted', messageId: `<${id}>` }, { ca: cert, servername: 'localhost' });
    expect(sent).toMatchObject({ ok: true, code: 250 });
    expect((await waitProcessed(t.database, tenant.id, id)).subject).toBe('Over TLS');
  });

  it('a client that requires TLS cannot deliver to a listener without a certificate', async () => {
    const id = mid();
    const sent = await smtpSend(smtp.port, { from: 'li@customer.example', to, subject: 'Needs TLS', text: 'x', messageId: `<${id}>` }, { ca: cert, servername: 'localhost' });
    expect(sent.ok).toBe(false);
    expect(sent.response).toMatch(/not recognized/);
    expect(await rowOf(id)).toBeUndefined();
  });

  it('refuses to start with only one of the two files', async () => {
    await expect(startMailListener(t.database, { smtpHost: '127.0.0.1', smtpPort: 0, smtpMaxBytes: 1000, mailDomain: 'localhost', smtpTlsKey: path.join(dir, 'key.pem') })).rejects.toThrow(/SMTP_TLS_KEY and SMTP_TLS_CERT/);
  });
});
