import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from './test-app.ts';
import { rows } from '../db/db.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('health', () => {
  it('healthz says the process is up; readyz checks the database and migrations', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('readyz is 503 while a migration is missing', async () => {
    const [{ id }] = await rows<{ id: number }>(t.database.db, sql`select id from drizzle.__drizzle_migrations order by id desc limit 1`);
    const [row] = await rows<{ hash: string; created_at: string }>(t.database.db, sql`delete from drizzle.__drizzle_migrations where id = ${id} returning hash, created_at`);
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz', headers: { 'accept-language': 'en' } });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('service_unavailable');
    } finally {
      await t.database.db.execute(sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${id}, ${row.hash}, ${row.created_at})`);
    }
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
