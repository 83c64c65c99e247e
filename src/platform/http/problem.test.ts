import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sessionWithRoles, type Session, type TestApp } from './test-app.ts';
import { buildApp } from './app.ts';
import { loadConfig } from '../../config.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await sessionWithRoles(t, ['admin']);
});
afterAll(() => t.close());

const json = { 'content-type': 'application/json' };

describe('bad input gets a 4xx problem+json in the caller’s language, never a 500', () => {
  const cases: { name: string; headers?: Record<string, string>; body: string | Buffer; status: number; code: string }[] = [
    { name: 'malformed JSON', body: '{"name": ', status: 400, code: 'bad_json' },
    { name: 'empty body', body: '', status: 400, code: 'validation_failed' },
    { name: 'wrong types', body: JSON.stringify({ email: 42, name: [], roles: 'admin' }), status: 400, code: 'validation_failed' },
    { name: 'unknown fields', body: JSON.stringify({ email: 'a@b.cn', name: 'A', roles: ['agent'], isRoot: true }), status: 400, code: 'validation_failed' },
    { name: 'unknown enum value', body: JSON.stringify({ email: 'a@b.cn', name: 'A', roles: ['god'] }), status: 400, code: 'validation_failed' },
    { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), status: 400, code: 'bad_utf8' },
    { name: 'oversize body', body: JSON.stringify({ email: 'a@b.cn', name: 'x'.repeat(100_000), roles: ['agent'] }), status: 413, code: 'payload_too_large' },
    { name: 'unsupported media type', headers: { 'content-type': 'text/plain' }, body: 'hello', status: 415, code: 'unsupported_media_type' },
    { name: 'JSON that is not an object', body: '"just a string"', status: 400, code: 'validation_failed' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      for (const [lang, sample] of [['en', /[a-z]/], ['zh-CN', /[\u4e00-\u9fff]/]] as const) {
        const res = await admin.request({ method: 'POST', url: '/api/v1/users', headers: { ...json, ...c.headers, 'accept-language': lang }, payload: c.body });
        expect(res.statusCode, res.body).toBe(c.status);
        expect(res.headers['content-type']).toContain('application/problem+json');
        const body = res.json();
        expect(body).toMatchObject({ status: c.status, code: c.code });
        expect(body.message).toMatch(sample);
      }
    });
  }

  it('names each invalid field with a localised message', async () => {
    const res = await admin.request({
      method: 'POST',
      url: '/api/v1/users',
      headers: { 'accept-language': 'zh-CN' },
      payload: { email: 'not-an-email', name: '', roles: [], isRoot: 1 },
    });
    const body = res.json();
    const paths = body.fieldErrors.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['email', 'isRoot', 'name', 'roles']);
    expect(body.fieldErrors.find((f: { path: string }) => f.path === 'isRoot').message).toBe('未知字段：isRoot。');
  });

  it('rejects a bad cursor and bad query values', async () => {
    const cursor = await admin.request({ method: 'GET', url: '/api/v1/users?cursor=garbage', headers: { 'accept-language': 'en' } });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().code).toBe('bad_cursor');
    const limit = await admin.request({ method: 'GET', url: '/api/v1/users?limit=100000' });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().fieldErrors[0].path).toBe('querystring.limit');
    const id = await admin.request({ method: 'GET', url: '/api/v1/users/not-a-uuid' });
    expect(id.statusCode).toBe(400);
  });

  it('answers unknown routes with a problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'route_not_found', message: 'There is no endpoint GET /api/v1/nope.' });
  });
});

describe('server faults', () => {
  it('logs a 500 with a request id that the response shows', async () => {
    const logged: string[] = [];
    const app = await buildApp(
      { database: t.database, config: loadConfig() },
      [
        (a) => {
          a.get('/api/v1/boom', { config: { access: 'public' } }, async () => {
            throw new Error('kaboom');
          });
        },
      ],
      { logger: { level: 'error', stream: { write: (line: string) => logged.push(line) } } },
    );
    const res = await app.inject({ method: 'GET', url: '/api/v1/boom', headers: { 'accept-language': 'en' } });
    await app.close();
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.requestId).toBeTruthy();
    expect(body.message).toContain(body.requestId);
    expect(res.headers['x-request-id']).toBe(body.requestId);
    expect(body.message).not.toContain('kaboom');
    expect(logged.join('\n')).toContain(body.requestId);
    expect(logged.join('\n')).toContain('kaboom');
  });
});
