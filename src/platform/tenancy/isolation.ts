import { expect } from 'vitest';
import type { App } from '../http/types.ts';
import type { Session } from '../http/test-app.ts';

interface OpenApiDoc {
  paths: Record<string, Record<string, { 'x-access'?: string }>>;
}

/**
 * Proves that a tenant cannot reach another tenant's row through any endpoint: every operation under
 * `prefix` with an `{id}` path parameter is called by `intruder` (an admin of another tenant) with `id`,
 * (with a valid body, so validation cannot answer first) and must answer 404 — not 403, which would confirm that the id exists.
 */
export async function expectOtherTenantsIdsToBe404(
  app: App,
  intruder: Session,
  prefix: string,
  id: string,
  /** a valid query string / body where `{ version }` is not enough, keyed by `METHOD /path/{id}` as in the OpenAPI document */
  valid: Record<string, { query?: string; body?: unknown }> = {},
): Promise<number> {
  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDoc;
  let checked = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith(prefix) || !/\{id\w*\}/.test(path)) continue;
    for (const method of Object.keys(ops)) {
      const m = method.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
      const given = valid[`${m} ${path}`] ?? {};
      const query = given.query ?? (m === 'DELETE' ? 'version=1' : '');
      // the id under test goes in the first parameter; any other path parameter gets a well-formed unknown uuid
      const url = `${path.replace(/\{id\w*\}/, id).replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000001')}${query ? `?${query}` : ''}`;
      const body = given.body ?? { version: 1 };
      let res = await intruder.request({ method: m, url, ...(m === 'GET' || m === 'DELETE' ? {} : { payload: body as object }) });
      if (res.statusCode === 400 && m !== 'GET' && m !== 'DELETE') res = await intruder.request({ method: m, url, payload: {} });
      expect(res.statusCode, `${m} ${url} → ${res.body}`).toBe(404);
      checked++;
    }
  }
  expect(checked, `no {id} endpoints under ${prefix}`).toBeGreaterThan(0);
  return checked;
}
