import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sessionWithRoles, type TestApp } from './test-app.ts';
import { can, type Access, type Role } from '../auth/roles.contract.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

interface Operation {
  'x-access'?: Access;
}

async function operations() {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', access: op['x-access'] })),
  );
}

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');

describe('every API route declares its access', () => {
  it('lists a permission (or public/authenticated) for every operation in the OpenAPI document', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(15);
    const undeclared = ops.filter((o) => o.path.startsWith('/api/v1') && !o.access);
    expect(undeclared).toEqual([]);
    const publicOps = ops.filter((o) => o.access === 'public').map((o) => `${o.method} ${o.path}`);
    expect(publicOps.sort()).toEqual([
      // care campaigns: signed-token links in customers' mail (RFC 8058 one-click unsubscribe, open pixel, click redirect)
      'GET /api/v1/public/campaign-click',
      'GET /api/v1/public/campaign-open',
      'GET /api/v1/public/tenants/{slug}',
      'GET /api/v1/public/tenants/{slug}/logo',
      'GET /api/v1/public/unsubscribe',
      'POST /api/v1/auth/login',
      'POST /api/v1/public/forms/{tenant}/tickets',
      'POST /api/v1/public/inbound/{tenant}/{key}',
      'POST /api/v1/public/unsubscribe',
    ]);
  });

  it('answers 401 problem+json to every non-public operation without credentials', async () => {
    for (const op of (await operations()).filter((o) => o.access !== 'public')) {
      const res = await t.app.inject({ method: op.method, url: concrete(op.path), headers: { 'accept-language': 'en' } });
      expect(res.statusCode, `${op.method} ${op.path}`).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 401, code: 'unauthenticated', message: 'Please sign in first.' });
    }
  });

  it('answers 403 to every operation whose permission the role lacks, for each role', async () => {
    const ops = await operations();
    const roles: Role[] = ['manager', 'agent', 'specialist', 'field_engineer', 'warehouse_clerk', 'sales', 'analyst'];
    let denied = 0;
    for (const role of roles) {
      const s = await sessionWithRoles(t, [role]);
      for (const op of ops.filter((o) => o.access && !can([role], o.access))) {
        const res = await s.request({ method: op.method, url: concrete(op.path), payload: op.method === 'GET' || op.method === 'DELETE' ? undefined : {} });
        expect(res.statusCode, `${role} ${op.method} ${op.path}`).toBe(403);
        expect(res.json().code).toBe('forbidden');
        denied++;
      }
    }
    expect(denied).toBeGreaterThan(50);
  });

  it('serves the OpenAPI document and its UI', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().openapi).toMatch(/^3\./);
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });
});
