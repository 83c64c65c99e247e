import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../platform/db/db.ts';
import { createTestDatabase } from '../../platform/db/test-db.ts';
import { arr } from './rows.common.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 120_000);
afterAll(() => database?.close());

describe('arr: a chunk column as one array literal', () => {
  it('reaches the database element for element, whatever the text holds', async () => {
    const texts = ['王小明', '', 'NULL', 'null', 'a,b', '{x}', ' lead and trail ', 'say "hi"', 'back\\slash', '\\"', 'tab\tnew\nline', 'emoji 😀', null, '  '];
    const [r] = await rows<{ a: (string | null)[] }>(database.db, sql`select ${arr(texts, 'text')} as a`);
    expect(r.a).toEqual(texts);
  });

  it('keeps numbers, booleans, nulls, uuids and timestamps', async () => {
    const [r] = await rows<{ n: (string | null)[]; b: boolean[]; u: string[]; t: boolean }>(
      database.db,
      sql`select ${arr([1, -2, 9007199254740991, null], 'bigint')}::text[] as n, ${arr([true, false], 'boolean')} as b,
                 ${arr(['01a247a3-4879-700d-9708-4549307ca1a4'], 'uuid')}::text[] as u,
                 (${arr(['2026-02-28T16:00:00.000Z', null], 'timestamptz')}) = array['2026-03-01 00:00:00+08'::timestamptz, null] as t`,
    );
    expect(r.n).toEqual(['1', '-2', '9007199254740991', null]);
    expect(r.b).toEqual([true, false]);
    expect(r.u).toEqual(['01a247a3-4879-700d-9708-4549307ca1a4']);
    expect(r.t).toBe(true);
  });
});
