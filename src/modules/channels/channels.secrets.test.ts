import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net, { type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createTenant, createTestApp, createUser, signIn, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import { PrivateTargetError } from '../../platform/net/private-targets.ts';
import { inboundChannels } from './intake.schema.ts';
import { mailSettings } from './channels.schema.ts';
import { encryptPlainInboundSecrets, signInbound } from './intake.service.ts';
import { encryptPlainImapPasswords } from './mail-settings.service.ts';
import { pollImap } from './mail-imap.ts';

/** IMAP passwords and gateway secrets at rest, and IMAP servers in private networks. */
let t: TestApp;
let tenant: TestTenant;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database, { defaultLocale: 'en' });
  admin = await signIn(t.app, await createUser(t.database, tenant, ['admin']));
});
afterEach(() => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  delete process.env.SECRETS_KEY;
});
afterAll(() => t?.close());

const settings = async () => (await admin.request({ method: 'GET', url: '/api/v1/mail/settings' })).json() as { version: number };
const patchImap = async (imap: object, lang = 'en') =>
  admin.request({ method: 'PATCH', url: '/api/v1/mail/settings', payload: { version: (await settings()).version, imap }, headers: { 'accept-language': lang } });
const storedRow = async () => (await t.database.db.select().from(mailSettings).where(eq(mailSettings.tenantId, tenant.id)))[0];

function signedPost(url: string, secret: string, body: object) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  return t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': signInbound(secret, ts, raw), 'accept-language': 'en' }, payload: raw });
}

describe('inbound gateway secrets', () => {
  it('are stored encrypted, listed without the secret, and still verify signatures', async () => {
    const created = (await admin.request({ method: 'POST', url: '/api/v1/inbound-channels', payload: { key: 'sms-gw', kind: 'sms', name: 'SMS' } })).json();
    const [row] = await t.database.db.select().from(inboundChannels).where(and(eq(inboundChannels.tenantId, tenant.id), eq(inboundChannels.id, created.channel.id)));
    expect(row.secret.startsWith('v1:')).toBe(true);
    expect(row.secret).not.toContain(created.secret);
    const list = (await admin.request({ method: 'GET', url: '/api/v1/inbound-channels' })).body;
    expect(list).toContain(created.channel.id);
    expect(list).not.toContain(created.secret);
    expect(list).not.toContain(row.secret);
    const ok = await signedPost(created.channel.url, created.secret, { messageId: 'm-1', from: { externalId: 'p1' }, text: '洗衣机漏水' });
    expect(ok.statusCode).toBe(200);

    // the server's key changed: a clear 503 in the caller's problem format, not a 500 and not "bad signature"
    process.env.SECRETS_KEY = randomBytes(32).toString('hex');
    const wrongKey = await signedPost(created.channel.url, created.secret, { messageId: 'm-2', from: { externalId: 'p1' }, text: 'again' });
    expect(wrongKey.statusCode).toBe(503);
    expect(wrongKey.json()).toMatchObject({ code: 'secret_unreadable' });
    expect(wrongKey.json().message).toMatch(/SECRETS_KEY/);
  });

  it('stored in plain text by an earlier version keep working and are encrypted at start-up', async () => {
    const plain = randomBytes(32).toString('base64url');
    const [row] = await t.database.db.insert(inboundChannels).values({ tenantId: tenant.id, key: 'legacy', kind: 'other', name: 'Legacy', secret: plain }).returning();
    const url = `/api/v1/public/inbound/${tenant.slug}/legacy`;
    expect((await signedPost(url, plain, { messageId: 'l-1', from: { externalId: 'q' }, text: 'old gateway' })).statusCode).toBe(200);
    expect(await encryptPlainInboundSecrets(t.database.db)).toBeGreaterThanOrEqual(1);
    const [after] = await t.database.db.select().from(inboundChannels).where(and(eq(inboundChannels.tenantId, tenant.id), eq(inboundChannels.id, row.id)));
    expect(after.secret.startsWith('v1:')).toBe(true);
    expect((await signedPost(url, plain, { messageId: 'l-2', from: { externalId: 'q' }, text: 'still works' })).statusCode).toBe(200);
  });
});

/** Just enough of an IMAP server to see the LOGIN command a client sends, then refuse it. */
async function imapLoginCatcher() {
  const logins: string[] = [];
  const server = net.createServer((socket) => {
    socket.write('* OK [CAPABILITY IMAP4rev1] test server ready\r\n');
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [tag, cmd] = line.split(' ');
        if (/^capability$/i.test(cmd)) socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (/^login$/i.test(cmd)) {
          logins.push(line);
          socket.write(`${tag} NO [AUTHENTICATIONFAILED] test\r\n`);
        } else if (/^logout$/i.test(cmd)) socket.end(`* BYE\r\n${tag} OK bye\r\n`);
        else socket.write(`${tag} BAD unknown\r\n`);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, logins, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('IMAP settings', () => {
  it('store the password encrypted, never return it, and log in with the decrypted one', async () => {
    process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
    const catcher = await imapLoginCatcher();
    try {
      const password = 'Passw0rd-imap-42'; // ASCII: the client sends it quoted on the LOGIN line, not as a literal
      const res = await patchImap({ enabled: true, host: '127.0.0.1', port: catcher.port, tls: false, user: 'svc', password });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(password);
      expect(res.json().imap).toMatchObject({ host: '127.0.0.1', passwordSet: true });
      const row = await storedRow();
      expect(row.imapPassword?.startsWith('v1:')).toBe(true);
      expect(row.imapPassword).not.toContain(password);
      expect((await admin.request({ method: 'GET', url: '/api/v1/mail/settings' })).body).not.toContain(password);
      await expect(pollImap(t.database.db, tenant.id)).rejects.toThrow();
      expect(catcher.logins).toHaveLength(1);
      expect(catcher.logins[0]).toContain('svc');
      expect(catcher.logins[0]).toContain(password);
    } finally {
      await catcher.close();
      await patchImap({ enabled: false });
    }
  });

  it('encrypts a plain password of an earlier version at start-up', async () => {
    await t.database.db.update(mailSettings).set({ imapPassword: 'plain-old-pw' }).where(eq(mailSettings.tenantId, tenant.id));
    expect(await encryptPlainImapPasswords(t.database.db)).toBeGreaterThanOrEqual(1);
    const row = await storedRow();
    expect(row.imapPassword?.startsWith('v1:')).toBe(true);
    expect(await encryptPlainImapPasswords(t.database.db)).toBe(0);
  });

  it.each(['10.0.0.1', '127.0.0.1', '::1', '169.254.169.254', 'localhost'])('refuses the IMAP server %s with a field error, unless private targets are allowed', async (host) => {
    const res = await patchImap({ host, user: 'svc' });
    expect(res.statusCode).toBe(422);
    expect(res.json().fieldErrors[0]).toMatchObject({ path: 'imap.host', code: 'errors.private_target' });
    const zh = await patchImap({ host, user: 'svc' }, 'zh-CN');
    expect(zh.json().fieldErrors[0].message).toContain('内网');
    process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
    expect((await patchImap({ host, user: 'svc' })).statusCode).toBe(200);
  });

  it('checks the server again when polling, after DNS, and does not connect to a private one', async () => {
    process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
    expect((await patchImap({ enabled: true, host: 'localhost', port: 1, user: 'svc', password: 'x' })).statusCode).toBe(200);
    delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
    await expect(pollImap(t.database.db, tenant.id)).rejects.toBeInstanceOf(PrivateTargetError);
    await patchImap({ enabled: false });
  });
});
