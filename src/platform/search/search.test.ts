import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../db/test-db.ts';
import { rows, type Database } from '../db/db.ts';
import { searchQuery, searchVector } from './search.ts';

let database: Database;
const docs = [
  '冰箱不制冷，请安排维修师傅上门',
  '空调漏水严重 Air conditioner leaking water',
  '申请七天无理由退货',
  'The washing machine is making loud noises when spinning',
  '洗衣机噪音很大',
];

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create temporary table search_docs (id int primary key, body text, doc tsvector)`);
  for (const [i, body] of docs.entries()) {
    await database.db.execute(sql`insert into search_docs values (${i}, ${body}, ${searchVector(body)})`);
  }
});
afterAll(() => database.close());

async function find(q: string): Promise<number[]> {
  const query = searchQuery(q);
  if (!query) return [];
  const r = await rows<{ id: number }>(database.db, sql`select id from search_docs where doc @@ ${query} order by ts_rank(doc, ${query}) desc, id`);
  return r.map((x) => x.id);
}

describe('search on the real database', () => {
  it('finds two-character Chinese words inside running text', async () => {
    expect(await find('制冷')).toEqual([0]);
    expect(await find('退货')).toEqual([2]);
    expect(await find('噪音')).toEqual([4]);
    expect(await find('维修 上门')).toEqual([0]);
    expect(await find('冰箱漏水')).toEqual([]);
  });

  it('finds a single character', async () => {
    expect(await find('水')).toEqual([1]);
  });

  it('finds English words with stemming', async () => {
    expect(await find('leak')).toEqual([1]);
    expect(await find('noise spin')).toEqual([3]);
    expect(await find('washing machines')).toEqual([3]);
  });

  it('combines Chinese and English terms', async () => {
    expect(await find('空调 leaking')).toEqual([1]);
    expect(await find('空调 noise')).toEqual([]);
  });

  it('ignores input with nothing searchable and is safe against tsquery syntax', async () => {
    expect(searchQuery('  !!! ')).toBeNull();
    expect(await find("a & b | !c:* '")).toEqual([]);
  });
});
