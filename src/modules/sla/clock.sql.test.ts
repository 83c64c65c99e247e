import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../platform/db/db.ts';
import { createTestDatabase } from '../../platform/db/test-db.ts';
import { breachedTargets, type Clock } from './clock.ts';
import { breachedTargetsJson } from './clock.sql.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 120_000);
afterAll(() => database?.close());

const keys = ['firstResponseDueAt', 'firstRespondedAt', 'nextResponseDueAt', 'resolutionDueAt', 'resolvedAt', 'pausedAt'] as const satisfies readonly (keyof Clock)[];

describe('breachedTargetsJson: the lists’ SQL form of breachedTargets', () => {
  it('agrees with breachedTargets on every clock of a grid around now', async () => {
    const now = new Date('2026-10-08T03:30:00.000Z');
    // null, two instants before now, one equal to it, one after: every ordering of stop, pause and due
    const instants = [null, new Date(now.getTime() - 7_200_000), new Date(now.getTime() - 3_600_000), now, new Date(now.getTime() + 3_600_000)];
    const clocks: Clock[] = [];
    const pick = (i: number, k: number) => instants[Math.floor(i / instants.length ** k) % instants.length];
    for (let i = 0; i < instants.length ** keys.length; i++) clocks.push(Object.fromEntries(keys.map((k, j) => [k, pick(i, j)])) as unknown as Clock);
    const column = (k: (typeof keys)[number]) => sql`${sql.raw(`"${k}"`)}`;
    const arrays = keys.map((k) => sql`${`{${clocks.map((c) => (c[k] ? `"${c[k]!.toISOString()}"` : 'NULL')).join(',')}}`}::timestamptz[]`);
    const got = await rows<{ breached: string[] | string }>(
      database.db,
      sql`select ${breachedTargetsJson({ firstResponseDueAt: column('firstResponseDueAt'), firstRespondedAt: column('firstRespondedAt'), nextResponseDueAt: column('nextResponseDueAt'), resolutionDueAt: column('resolutionDueAt'), resolvedAt: column('resolvedAt'), pausedAt: column('pausedAt') }, sql`${now.toISOString()}`)}::text as breached
          from unnest(${sql.join(arrays, sql`, `)}) with ordinality as c(${sql.raw(keys.map((k) => `"${k}"`).join(', '))}, n) order by n`,
    );
    expect(got).toHaveLength(clocks.length);
    const mismatches = clocks.flatMap((c, i) => (JSON.stringify(breachedTargets(c, now)) === got[i].breached ? [] : [{ clock: c, sql: got[i].breached, ts: breachedTargets(c, now) }]));
    expect(mismatches.slice(0, 3)).toEqual([]);
    // the grid reaches every target both ways
    for (const target of ['first_response', 'next_response', 'resolution']) {
      expect(got.some((r) => (r.breached as string).includes(target))).toBe(true);
      expect(got.some((r) => !(r.breached as string).includes(target))).toBe(true);
    }
  });
});
