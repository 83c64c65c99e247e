import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPglite, rows } from './db.ts';
import { createTestDatabase } from './test-db.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('embedded database', () => {
  it('keeps data across restarts and refuses a second process on the same data directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-lock-'));
    dirs.push(dir);
    const first = await openPglite(dir);
    await first.migrate();
    expect(await first.ready()).toBe(true);
    await first.db.execute(sql`insert into tenants (slug, name) values ('keep', 'Kept')`);

    // another process trying to open the same directory must fail with a clear message
    const script = `import('${path.resolve('src/platform/db/lock.ts')}').then(m => { try { m.lockDataDir(${JSON.stringify(dir)}); console.log('LOCKED'); } catch (e) { console.log('REFUSED: ' + e.message); } })`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    expect(out).toContain('REFUSED');
    expect(out).toContain('already in use by another process');

    await first.close();
    const second = await openPglite(dir);
    await second.migrate();
    const kept = await rows<{ name: string }>(second.db, sql`select name from tenants where slug = 'keep'`);
    expect(kept).toEqual([{ name: 'Kept' }]);
    await second.close();
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-stale-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'pglite.lock'), '999999999');
    const db = await openPglite(dir);
    expect(fs.readFileSync(path.join(dir, 'pglite.lock'), 'utf8')).toBe(String(process.pid));
    await db.close();
    expect(fs.existsSync(path.join(dir, 'pglite.lock'))).toBe(false);
  });
});

describe('test database', () => {
  it('is migrated and reports ready; migrating again is a no-op', async () => {
    const database = await createTestDatabase();
    expect(await database.ready()).toBe(true);
    await database.migrate();
    const [{ n }] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const journal = JSON.parse(fs.readFileSync('db/migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    expect(n).toBe(journal.entries.length);
    await database.close();
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('opens PostgreSQL connections with JIT off (short queries only lose time compiling)', async () => {
    const database = await createTestDatabase();
    const [{ jit }] = await rows<{ jit: string }>(database.db, sql`select current_setting('jit') as jit`);
    expect(jit).toBe('off');
    await database.close();
  });
});
