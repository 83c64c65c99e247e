import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, sessionWithRoles, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { signInbound, WEB_FORM_LIMIT } from './intake.service.ts';

let t: TestApp;
let admin: Session;
let url: string;
let secret: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
  const res = (await admin.request({ method: 'POST', url: '/api/v1/inbound-channels', payload: { key: 'wechat-oa', kind: 'wechat', name: '微信公众号' } })).json();
  url = res.channel.url;
  secret = res.secret;
});
afterAll(() => t.close());

function send(body: object, opts: { secret?: string; ts?: number; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  return t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': signInbound(opts.secret ?? secret, ts, raw), 'accept-language': 'en' },
    payload: raw,
  });
}

describe('inbound webhook', () => {
  it('creates a ticket, threads the next message from the same sender, and accepts a retry once', async () => {
    const first = await send({ messageId: 'wx-1', from: { externalId: 'o6_openid_1', name: '王女士' }, text: '热水器不出热水' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: true, duplicate: false });
    const again = await send({ messageId: 'wx-2', from: { externalId: 'o6_openid_1' }, text: '请问什么时候上门？' });
    expect(again.json()).toMatchObject({ ticketId: first.json().ticketId, created: false });
    const retry = await send({ messageId: 'wx-2', from: { externalId: 'o6_openid_1' }, text: '请问什么时候上门？' });
    expect(retry.json()).toMatchObject({ ticketId: first.json().ticketId, duplicate: true });
    const detail = (await admin.request({ method: 'GET', url: `/api/v1/tickets/${first.json().ticketId}` })).json();
    expect(detail).toMatchObject({ channel: 'webhook', customerName: '王女士', description: '热水器不出热水' });
    expect(detail.messages.map((m: { body: string; authorType: string }) => [m.authorType, m.body])).toEqual([['customer', '请问什么时候上门？']]);
  });

  it('rejects and logs a bad or stale signature with 401, and never reads the body', async () => {
    const body = { messageId: 'wx-bad', from: { externalId: 'x' }, text: 'hi' };
    expect((await send(body, { secret: 'wrong' })).statusCode).toBe(401);
    expect((await send(body, { ts: Math.floor(Date.now() / 1000) - 3600 })).statusCode).toBe(401);
    const tampered = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-timestamp': '1', 'x-signature': 'sha256=00' }, payload: '{"not":"valid"}' });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().code).toBe('bad_signature');
    const [{ n }] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from audit_log where action = 'rejected_bad_signature'`);
    expect(n).toBe(3);
    const [{ m }] = await rows<{ m: number }>(t.database.db, sql`select count(*)::int as m from inbound_messages where external_message_id = 'wx-bad'`);
    expect(m).toBe(0);
  });

  it('validates a signed body and 404s unknown endpoints', async () => {
    const bad = await send({ messageId: 'wx-3', from: {}, extra: true });
    expect(bad.statusCode).toBe(400);
    const unknown = await t.app.inject({ method: 'POST', url: `${url}-nope`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('public web form', () => {
  it('creates a ticket without sign-in and limits submissions per address', async () => {
    const form = { name: '赵先生', phone: '13600001234', subject: '预约安装', description: '新买的空调需要安装' };
    const slug = admin.user.tenant.slug;
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/public/forms/${slug}/tickets`, payload: form, remoteAddress: '10.0.0.5' });
    expect(res.statusCode).toBe(201);
    expect(res.json().ticketNumber).toMatch(/^T-/);
    const noContact = await t.app.inject({ method: 'POST', url: `/api/v1/public/forms/${slug}/tickets`, payload: { ...form, phone: undefined }, remoteAddress: '10.0.0.6', headers: { 'accept-language': 'zh-CN' } });
    expect(noContact.statusCode).toBe(422);
    expect(noContact.json().fieldErrors[0].message).toContain('邮箱或手机号');
    let last = 0;
    for (let i = 0; i < WEB_FORM_LIMIT.perWindow + 1; i++) {
      last = (await t.app.inject({ method: 'POST', url: `/api/v1/public/forms/${slug}/tickets`, payload: form, remoteAddress: '10.0.0.7' })).statusCode;
    }
    expect(last).toBe(429);
    const honeypot = await t.app.inject({ method: 'POST', url: `/api/v1/public/forms/${slug}/tickets`, payload: { ...form, website: 'http://spam' }, remoteAddress: '10.0.0.8' });
    expect(honeypot.statusCode).toBe(422);
  });
});
