import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { DateTime } from 'luxon';
import { parse } from 'csv-parse/sync';
import { rows } from '../../platform/db/db.ts';
import { createTestApp, createTenant, sessionWithRoles, type Session, type TestApp, type TestTenant } from '../../platform/http/test-app.ts';
import type { SheetImport, SheetUpload } from './data-import.contract.ts';
import { executeSheet, SHEET_IMPORT_JOB } from './data-import.service.ts';

// small chunks, so the background test below runs several chunk transactions (and the statistics refresh between them)
vi.hoisted(() => {
  process.env.SHEET_IMPORT_CHUNK_ROWS = '500';
  // the stored file is read back in many slices, and the set of customers to recompute overflows and is refreshed on the way
  process.env.SHEET_IMPORT_SOURCE_SLICE_BYTES = '4096';
  process.env.SHEET_IMPORT_CUSTOMER_IDS_HELD = '300';
});

let t: TestApp;
let tenant: TestTenant;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.database);
  admin = await sessionWithRoles(t, ['admin'], tenant);
}, 240_000);
afterAll(() => t?.close());

const customersCsv = ['会员号,姓名,手机,邮箱,性别,生日,省,市,区,详细地址,标签', 'M001,王小明,13800138000,wang@example.cn,男,1990-05-01,广东省,深圳市,南山区,科技园1号,VIP、老客户', 'M002,李华,139 0013 9000,,女,1985/3/5,,,,,'].join('\r\n');

async function upload(s: Session, kind: string, body: Buffer, type = 'text/csv') {
  return s.request({ method: 'POST', url: `/api/v1/data-imports?kind=${kind}&fileName=test`, payload: body, headers: { 'content-type': type } });
}
async function uploadAndRun(s: Session, kind: string, body: Buffer, opts: { dryRun?: boolean; type?: string; blankCells?: 'keep' | 'clear' } = {}) {
  const up = await upload(s, kind, body, opts.type);
  expect(up.statusCode, up.body).toBe(201);
  const u = up.json<SheetUpload>();
  const run = await s.request({ method: 'POST', url: `/api/v1/data-imports/${u.import.id}/run`, payload: { mapping: u.suggested, dryRun: opts.dryRun ?? false, ...(opts.blankCells ? { blankCells: opts.blankCells } : {}) } });
  expect(run.statusCode, run.body).toBe(200);
  return { upload: u, result: run.json<SheetImport>() };
}
const count = async (table: string, tenantId = tenant.id) => (await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ${sql.raw(table)} where tenant_id = ${tenantId}`))[0].n;

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
async function xlsx(data: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of data) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('spreadsheet import of customers', () => {
  it('dry run validates and writes nothing; the run imports; re-import changes nothing', async () => {
    const dry = await uploadAndRun(admin, 'customers', Buffer.from(customersCsv), { dryRun: true });
    expect(dry.upload.import.encoding).toBe('utf-8');
    expect(dry.upload.suggested).toMatchObject({ externalId: 0, name: 1, phone: 2, email: 3, gender: 4, birthday: 5, province: 6, city: 7, district: 8, street: 9, tags: 10 });
    expect(dry.result).toMatchObject({ status: 'validated', inserted: 2, failed: 0, processed: 2 });
    expect(await count('customers')).toBe(0);
    expect(await count('customer_identities')).toBe(0);

    // the same upload, now for real
    const run = await admin.request({ method: 'POST', url: `/api/v1/data-imports/${dry.result.id}/run`, payload: { mapping: dry.result.mapping, dryRun: false } });
    expect(run.json<SheetImport>()).toMatchObject({ status: 'completed', inserted: 2, failed: 0 });
    const cs = await rows<{ name: string; gender: string; birthday: string; tags: string[]; version: number; source: string }>(t.database.db, sql`select name, gender, birthday::text, tags, version, source from customers where tenant_id = ${tenant.id} order by name`);
    expect(cs).toEqual([
      { name: '李华', gender: 'female', birthday: '1985-03-05', tags: [], version: 1, source: 'import' },
      { name: '王小明', gender: 'male', birthday: '1990-05-01', tags: ['VIP', '老客户'], version: 1, source: 'import' },
    ]);
    const ids = await rows<{ kind: string; value: string }>(t.database.db, sql`select kind, value from customer_identities where tenant_id = ${tenant.id} order by kind, value`);
    expect(ids.map((i) => `${i.kind}:${i.value}`)).toEqual(['email:wang@example.cn', 'external:member:M001', 'external:member:M002', 'phone:+8613800138000', 'phone:+8613900139000']);
    const addr = await rows<{ province: string; street: string }>(t.database.db, sql`select province, street from customer_addresses where tenant_id = ${tenant.id}`);
    expect(addr).toEqual([{ province: '广东省', street: '科技园1号' }]);
    const found = await rows<{ name: string }>(t.database.db, sql`select name from customers where tenant_id = ${tenant.id} and search_vector @@ to_tsquery('simple', '小明')`);
    expect(found).toEqual([{ name: '王小明' }]);
    const historyBefore = await count('customer_tier_history');
    const auditBefore = await count('audit_log');

    const again = await uploadAndRun(admin, 'customers', Buffer.from(customersCsv));
    expect(again.upload.import.status).toBe('uploaded');
    expect(again.result).toMatchObject({ status: 'completed', inserted: 0, updated: 0, unchanged: 2, failed: 0 });
    expect(await count('customers')).toBe(2);
    expect(await count('customer_addresses')).toBe(1);
    expect(await count('customer_tier_history')).toBe(historyBefore);
    const versions = await rows<{ version: number }>(t.database.db, sql`select version from customers where tenant_id = ${tenant.id}`);
    expect(versions.every((v) => v.version === 1)).toBe(true);
    expect(await count('audit_log')).toBe(auditBefore + 1); // the import's own audit row only

    // a changed cell updates that customer only
    const changed = customersCsv.replace('科技园1号', '科技园2号');
    const upd = await uploadAndRun(admin, 'customers', Buffer.from(changed));
    expect(upd.result).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
  });

  it('reads GBK CSV from Chinese Excel and UTF-8 with BOM', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['manager'], tn);
    const gbk = iconv.encode('会员号,姓名,手机\r\nG1,张三丰,13700137000\r\n', 'gbk');
    const a = await uploadAndRun(s, 'customers', gbk);
    expect(a.upload.import.encoding).toBe('gb18030');
    expect(a.upload.sample[0]).toEqual(['G1', '张三丰', '13700137000']);
    expect(a.result).toMatchObject({ inserted: 1, failed: 0 });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名;手机\n赵敏;13600136000\n')]);
    const b = await uploadAndRun(s, 'customers', bom);
    expect(b.upload.import.encoding).toBe('utf-8-bom');
    expect(b.upload.import.headers).toEqual(['姓名', '手机']);
    expect(b.result).toMatchObject({ inserted: 1, failed: 0 });
    const names = await rows<{ name: string }>(t.database.db, sql`select name from customers where tenant_id = ${tn.id} order by name`);
    expect(names.map((n) => n.name).sort()).toEqual(['张三丰', '赵敏'].sort());
  });

  it('imports the good rows of an XLSX and reports the bad one with row and column, in the user language', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    const file = await xlsx([
      ['Member ID', 'Name', 'Mobile', 'Birthday'],
      ['X1', 'Alice', '13800000001', new Date(Date.UTC(1992, 1, 29))],
      ['X2', 'Bob', '12345', '1980-01-01'],
      ['X3', '', '13800000003', '2099-01-01'],
    ]);
    const r = await uploadAndRun(s, 'customers', file, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expect(r.upload.import.format).toBe('xlsx');
    expect(r.result, JSON.stringify({ status: r.result.status, failure: r.result.failure })).toMatchObject({ inserted: 1, failed: 2 });
    const errs = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${r.result.id}/errors`, headers: { 'accept-language': 'en' } })).json<{ items: { row: number; column: string; code: string; message: string }[] }>();
    expect(errs.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'C Mobile', code: 'bad_phone' }),
        expect.objectContaining({ row: 4, column: 'B Name', code: 'required' }),
        expect.objectContaining({ row: 4, column: 'D Birthday', code: 'date_in_future' }),
      ]),
    );
    const bday = await rows<{ birthday: string }>(t.database.db, sql`select birthday::text from customers where tenant_id = ${tn.id}`);
    expect(bday).toEqual([{ birthday: '1992-02-29' }]);
    const report = await s.request({ method: 'GET', url: `/api/v1/data-imports/${r.result.id}/report?format=csv` });
    expect(report.statusCode).toBe(200);
    const recs = parse(report.rawPayload, { bom: true }) as string[][];
    expect(recs[0]).toEqual(['行号', '列', '问题', '代码']); // the admin's language: the tenant default zh-CN
    expect(recs.find((x) => x[0] === '3')?.[2]).toContain('电话号码无效');
  });

  it('refuses a truncated XLSX and binary junk with a clear error and stores nothing', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    const good = await xlsx([['姓名', '手机'], ['甲', '13800000001']]);
    const cut = await upload(s, 'customers', good.subarray(0, Math.floor(good.length / 2)), 'application/octet-stream');
    expect(cut.statusCode).toBe(422);
    expect(cut.json<{ code: string; detail: string }>().code).toBe('sheet_broken_xlsx');
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 256;
    const j = await upload(s, 'customers', junk, 'application/octet-stream');
    expect(j.statusCode).toBe(422);
    expect(j.json<{ code: string }>().code).toBe('sheet_not_a_spreadsheet');
    expect(await count('sheet_imports', tn.id)).toBe(0);
    expect(await count('customers', tn.id)).toBe(0);
  });
});

describe('large XLSX', () => {
  it('streams the first worksheet through the chunked row pipeline: dates, row numbers, sample and counts', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow(['会员号', '姓名', '手机', '生日']);
    for (let i = 0; i < 3000; i++) ws.addRow([`X${i}`, `客户${i}`, `139${String(i).padStart(8, '0')}`, new Date(Date.UTC(1980, 0, 1 + (i % 3650)))]);
    ws.addRow(['X-bad', '坏号码', '12345', '']);
    wb.addWorksheet('说明').addRow(['这张表不导入', '13800000000']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const up = (await upload(s, 'customers', file, xlsxType)).json<SheetUpload>();
    expect(up.import).toMatchObject({ format: 'xlsx', encoding: 'xlsx', headers: ['会员号', '姓名', '手机', '生日'], total: 3001 });
    expect(up.sample).toHaveLength(5);
    expect(up.sample[0]).toEqual(['X0', '客户0', '13900000000', '1980-01-01 00:00:00']);
    const res = await s.request({ method: 'POST', url: `/api/v1/data-imports/${up.import.id}/run?background=true`, payload: { mapping: up.suggested } });
    expect(res.statusCode, res.body).toBe(202);
    await executeSheet(t.database.db, tn.id, up.import.id);
    const done = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${up.import.id}` })).json<SheetImport>();
    expect(done).toMatchObject({ status: 'completed', processed: 3001, inserted: 3000, failed: 1 });
    const errs = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${up.import.id}/errors` })).json<{ items: { row: number; column: string; code: string }[] }>();
    expect(errs.items).toEqual([expect.objectContaining({ row: 3002, column: 'C 手机', code: 'bad_phone' })]);
    expect(await count('customers', tn.id)).toBe(3000);
    const last = await rows<{ birthday: string }>(t.database.db, sql`select c.birthday::text from customers c join customer_identities i on i.tenant_id = c.tenant_id and i.customer_id = c.id
      where c.tenant_id = ${tn.id} and i.kind = 'external' and i.value = 'member:X2999'`);
    expect(last).toEqual([{ birthday: new Date(Date.UTC(1980, 0, 1 + 2999)).toISOString().slice(0, 10) }]);
  });
});

describe('empty cells on re-import', () => {
  it('customers: keep by default, clear on request (identities stay); a re-import changes nothing; an empty required cell is a row error', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    const head = '会员号,姓名,手机,性别,生日,省,市,区,详细地址,标签';
    const full = [head, 'K1,甲,13700000001,男,1990-01-02,广东省,深圳市,南山区,科技园1号,VIP', 'K2,乙,13700000002,女,1991-02-03,广东省,广州市,天河区,体育西路,老客户'].join('\n');
    expect((await uploadAndRun(s, 'customers', Buffer.from(full))).result).toMatchObject({ inserted: 2, failed: 0 });
    const state = async () =>
      rows<{ name: string; gender: string; birthday: string | null; tags: string[]; district: string | null; addresses: number; phones: number }>(
        t.database.db,
        sql`select c.name, c.gender, c.birthday::text, c.tags,
              (select a.district from customer_addresses a where a.tenant_id = c.tenant_id and a.customer_id = c.id and a.is_default) as district,
              (select count(*)::int from customer_addresses a where a.tenant_id = c.tenant_id and a.customer_id = c.id) as addresses,
              (select count(*)::int from customer_identities i where i.tenant_id = c.tenant_id and i.customer_id = c.id and i.kind = 'phone') as phones
            from customers c where c.tenant_id = ${tn.id}`,
      ).then((cs) => cs.sort((a, b) => (a.name < b.name ? -1 : 1)));
    const before = await state();
    const blanks = Buffer.from([head, 'K1,甲,13700000001,,,,,,,', 'K2,乙,,女,1991-02-03,广东省,广州市,,体育西路,老客户'].join('\n'));

    const kept = await uploadAndRun(s, 'customers', blanks);
    expect(kept.result).toMatchObject({ blankCells: 'keep', inserted: 0, updated: 0, unchanged: 2, failed: 0 });
    expect(await state()).toEqual(before);

    const cleared = await uploadAndRun(s, 'customers', blanks, { blankCells: 'clear' });
    expect(cleared.result).toMatchObject({ blankCells: 'clear', inserted: 0, updated: 2, unchanged: 0, failed: 0 });
    expect(await state()).toEqual([
      { name: '乙', gender: 'female', birthday: '1991-02-03', tags: ['老客户'], district: null, addresses: 1, phones: 1 },
      { name: '甲', gender: 'unknown', birthday: null, tags: [], district: null, addresses: 0, phones: 1 },
    ]);
    const again = await uploadAndRun(s, 'customers', blanks, { blankCells: 'clear' });
    expect(again.result).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, failed: 0 });

    const noName = await uploadAndRun(s, 'customers', Buffer.from([head, 'K1,,13700000001,,,,,,,'].join('\n')), { blankCells: 'clear' });
    expect(noName.result).toMatchObject({ updated: 0, failed: 1 });
    const errs = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${noName.result.id}/errors` })).json<{ items: { row: number; column: string; code: string }[] }>();
    expect(errs.items).toEqual([expect.objectContaining({ row: 2, column: 'B 姓名', code: 'required' })]);

    const bad = await s.request({ method: 'POST', url: `/api/v1/data-imports/${noName.result.id}/run`, payload: { mapping: noName.result.mapping, blankCells: 'erase' } });
    expect(bad.statusCode).toBe(400);
  });

  it('products: unmapped columns always keep; empty cells keep or clear; re-import is unchanged', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    await uploadAndRun(s, 'products', Buffer.from('SKU,商品名称,品牌,价格,成本,序列号管理\nP1,电视,海信,1999,1500,是\nP2,冰箱,海尔,2999,2000,否\n'));
    const product = async () => (await rows<{ sku: string; brand: string | null; cost_fen: string | null; serial_tracked: boolean; version: number }>(t.database.db, sql`select sku, brand, cost_fen::text, serial_tracked, version from products where tenant_id = ${tn.id} order by sku`));
    const blanks = Buffer.from('SKU,商品名称,品牌,价格,成本\nP1,电视,,1999,\nP2,冰箱,海尔,2999,2000\n');
    expect((await uploadAndRun(s, 'products', blanks)).result).toMatchObject({ updated: 0, unchanged: 2 });
    expect(await product()).toEqual([
      { sku: 'P1', brand: '海信', cost_fen: '150000', serial_tracked: true, version: 1 },
      { sku: 'P2', brand: '海尔', cost_fen: '200000', serial_tracked: false, version: 1 },
    ]);
    expect((await uploadAndRun(s, 'products', blanks, { blankCells: 'clear' })).result).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(await product()).toEqual([
      { sku: 'P1', brand: null, cost_fen: null, serial_tracked: true, version: 2 },
      { sku: 'P2', brand: '海尔', cost_fen: '200000', serial_tracked: false, version: 1 },
    ]);
    expect((await uploadAndRun(s, 'products', blanks, { blankCells: 'clear' })).result).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });
});

describe('spreadsheet import of products and orders', () => {
  it('imports products by SKU, then orders by customer and SKU; unknown SKU refuses the whole order', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    await uploadAndRun(s, 'customers', Buffer.from('会员号,姓名,手机\nC1,周杰,13800000011\n'));
    const p = await uploadAndRun(s, 'products', Buffer.from('SKU,商品名称,型号,价格,成本\nAC-1,空调 KFR-35,KFR-35,2999.00,2000\nWM-2,洗衣机,XQG-80,1999.5,\n'));
    expect(p.result).toMatchObject({ inserted: 2, failed: 0 });
    const p2 = await uploadAndRun(s, 'products', Buffer.from('SKU,商品名称,型号,价格,成本\nAC-1,空调 KFR-35,KFR-35,2999.00,2000\nWM-2,洗衣机,XQG-80,1899.5,\n'));
    expect(p2.result).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const csv = ['订单号,会员号,手机,下单日期,渠道,SKU,数量,单价,折扣', 'O1,C1,,2026-01-05,线上,AC-1,1,,100', 'O1,C1,,2026-01-05,线上,WM-2,2,1800,', 'O2,,13800000011,2026/02/01 10:30,门店,NOPE,1,,', 'O3,C9,,2026-02-02,online,AC-1,1,,'].join('\n');
    const o = await uploadAndRun(s, 'orders', Buffer.from(csv));
    expect(o.result).toMatchObject({ inserted: 2, failed: 2 });
    const errs = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${o.result.id}/errors` })).json<{ items: { row: number; code: string; column: string | null }[] }>();
    expect(errs.items).toEqual(expect.arrayContaining([expect.objectContaining({ row: 4, code: 'unknown_product', column: 'F SKU' }), expect.objectContaining({ row: 5, code: 'unknown_customer', column: 'B 会员号' })]));
    const ord = await rows<{ external_id: string; total_fen: string; number: string }>(t.database.db, sql`select external_id, total_fen::text, number from orders where tenant_id = ${tn.id}`);
    expect(ord).toEqual([{ external_id: 'O1', total_fen: String(299900 - 10000 + 2 * 180000), number: 'O-2026-000001' }]);
    const agg = await rows<{ orders_count: number; revenue_fen: string }>(t.database.db, sql`select orders_count, revenue_fen::text from customers where tenant_id = ${tn.id}`);
    expect(agg).toEqual([{ orders_count: 1, revenue_fen: String(649900) }]);
    const again = await uploadAndRun(s, 'orders', Buffer.from(csv));
    expect(again.result).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, failed: 2 });
    expect(await count('order_items', tn.id)).toBe(2);
  });
});

describe('background run', () => {
  it('queues large files as a job whose row shows progress; the worker runs it to completion', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    const lines = ['会员号,姓名,手机', ...Array.from({ length: 1200 }, (_, i) => `B${i},客户${i},138${String(i).padStart(8, '0')}`)];
    const up = (await upload(s, 'customers', Buffer.from(lines.join('\n')))).json<SheetUpload>();
    expect(up.import.total).toBe(1200);
    const res = await s.request({ method: 'POST', url: `/api/v1/data-imports/${up.import.id}/run`, payload: { mapping: up.suggested } });
    expect(res.statusCode).toBe(202);
    expect(res.json<SheetImport>()).toMatchObject({ status: 'queued', processed: 0, progressPercent: 0 });
    const jobs = await rows<{ name: string }>(t.database.db, sql`select name from jobs where tenant_id = ${tn.id} and name = ${SHEET_IMPORT_JOB}`);
    expect(jobs).toHaveLength(1);
    await executeSheet(t.database.db, tn.id, up.import.id); // what the worker calls
    const done = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${up.import.id}` })).json<SheetImport>();
    expect(done).toMatchObject({ status: 'completed', processed: 1200, inserted: 1200, progressPercent: 100 });
    expect(await count('customers', tn.id)).toBe(1200);
    // a completed import cannot run again (its file is gone): upload again instead
    expect((await s.request({ method: 'POST', url: `/api/v1/data-imports/${up.import.id}/run`, payload: { mapping: up.suggested } })).statusCode).toBe(409);
  });
});

describe('a job of many chunks', () => {
  it('reports duplicates and orders whose rows are apart across chunks, and leaves every customer with the right aggregates', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    const n = 1300;
    // row 1102 (customer D1100) repeats the phone of row 12 (D10), three chunks later
    const people = Array.from({ length: n }, (_, i) => `D${i},客户${i},138${String(i === 1100 ? 10 : i).padStart(8, '0')},1990-01-0${1 + (i % 9)}`);
    const up = (await upload(s, 'customers', Buffer.from(['会员号,姓名,手机,生日', ...people].join('\n')))).json<SheetUpload>();
    expect((await s.request({ method: 'POST', url: `/api/v1/data-imports/${up.import.id}/run`, payload: { mapping: up.suggested } })).statusCode).toBe(202);
    await executeSheet(t.database.db, tn.id, up.import.id);
    const done = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${up.import.id}` })).json<SheetImport>();
    expect(done).toMatchObject({ status: 'completed', processed: n, inserted: n - 1, failed: 1 });
    const errs = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${up.import.id}/errors` })).json<{ items: { row: number; code: string; column: string | null }[] }>();
    expect(errs.items).toEqual([expect.objectContaining({ row: 1102, code: 'duplicate_in_file', column: 'C 手机' })]);
    const birthdays = await rows<{ birthday: string; n: number }>(t.database.db, sql`select birthday::text, count(*)::int as n from customers where tenant_id = ${tn.id} group by 1 order by 1`);
    expect(birthdays).toHaveLength(9);

    await uploadAndRun(s, 'products', Buffer.from('SKU,商品名称,价格\nP-1,空调,100\n'));
    // customer i buys (i % 3) + 1 orders of one line each; order X5 comes back after the last customer's rows
    const lines = ['订单号,会员号,下单日期,渠道,SKU,数量'];
    for (let i = 0; i < n; i++) if (i !== 1100) for (let k = 0; k <= i % 3; k++) lines.push(`X${i}-${k},D${i},2025-03-0${1 + k},线上,P-1,1`);
    lines.push('X5-0,D5,2025-03-01,线上,P-1,1');
    const ou = (await upload(s, 'orders', Buffer.from(lines.join('\n')))).json<SheetUpload>();
    expect((await s.request({ method: 'POST', url: `/api/v1/data-imports/${ou.import.id}/run`, payload: { mapping: ou.suggested } })).statusCode).toBe(202);
    await executeSheet(t.database.db, tn.id, ou.import.id);
    const od = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${ou.import.id}` })).json<SheetImport>();
    expect(od).toMatchObject({ status: 'completed', processed: lines.length - 1, inserted: lines.length - 2, failed: 1 });
    const oerrs = (await s.request({ method: 'GET', url: `/api/v1/data-imports/${ou.import.id}/errors` })).json<{ items: { row: number; code: string }[] }>();
    expect(oerrs.items).toEqual([expect.objectContaining({ row: lines.length, code: 'order_rows_apart' })]);
    const wrong = await rows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from customers c join customer_identities ci on ci.tenant_id = c.tenant_id and ci.customer_id = c.id and ci.kind = 'external'
          where c.tenant_id = ${tn.id} and c.orders_count <> (substring(ci.value from 'D([0-9]+)')::int % 3) + 1`,
    );
    expect(wrong[0].n).toBe(0);
    expect(await count('orders', tn.id)).toBe(lines.length - 2);
    // order numbers: one each, none twice, though chunks reserve them side by side on PostgreSQL
    const numbers = await rows<{ n: number; distinct: number }>(t.database.db, sql`select count(*)::int as n, count(distinct number)::int as distinct from orders where tenant_id = ${tn.id}`);
    expect(numbers[0]).toEqual({ n: lines.length - 2, distinct: lines.length - 2 });
  });
});

describe('access', () => {
  it('checks roles per kind and keeps tenants apart', async () => {
    const agent = await sessionWithRoles(t, ['agent'], tenant);
    expect((await upload(agent, 'customers', Buffer.from(customersCsv))).statusCode).toBe(403);
    const sales = await sessionWithRoles(t, ['sales'], tenant);
    expect((await upload(sales, 'products', Buffer.from('SKU,名称,价格\nA,B,1\n'))).statusCode).toBe(403);
    const mine = await upload(sales, 'customers', Buffer.from(customersCsv));
    expect(mine.statusCode).toBe(201);
    const id = mine.json<SheetUpload>().import.id;
    const other = await sessionWithRoles(t, ['admin']);
    expect((await other.request({ method: 'GET', url: `/api/v1/data-imports/${id}` })).statusCode).toBe(404);
    expect((await other.request({ method: 'POST', url: `/api/v1/data-imports/${id}/run`, payload: { mapping: { name: 1, externalId: 0 } } })).statusCode).toBe(404);
    expect((await other.request({ method: 'GET', url: '/api/v1/data-imports' })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await admin.request({ method: 'GET', url: `/api/v1/data-imports/${id}` })).statusCode).toBe(200);
  });
});

describe('imported orders emit order.created', () => {
  it('one event per new recent order, with the orders module payload plus soldAt and imported; history, a re-import or a dry run emits none', async () => {
    const tn = await createTenant(t.database);
    const s = await sessionWithRoles(t, ['admin'], tn);
    await uploadAndRun(s, 'customers', Buffer.from('会员号,姓名,手机\nC1,周杰,13800000011\n'));
    await uploadAndRun(s, 'products', Buffer.from('SKU,商品名称,价格\nP1,空调,2999\nP2,洗衣机,1999\n'));
    // E1 and E2 were sold in the last days (Shanghai dates), E3 long ago: history, no event
    const daysAgo = (n: number) => DateTime.now().setZone('Asia/Shanghai').minus({ days: n }).toISODate()!;
    const csv = ['订单号,会员号,下单日期,渠道,门店,SKU,数量', `E1,C1,${daysAgo(5)},门店,南山店,P1,1`, `E2,C1,${daysAgo(4)} 10:30,线上,,P1,2`, `E2,C1,${daysAgo(4)} 10:30,线上,,P2,1`, 'E3,C1,2025-01-07,门店,福田店,P2,1'].join('\n');
    const events = () =>
      rows<{ type: string; entity_id: string; payload: Record<string, unknown> }>(t.database.db, sql`select type, entity_id, payload from outbox_events where tenant_id = ${tn.id} and type like 'order.%' order by id`);

    const dry = await uploadAndRun(s, 'orders', Buffer.from(csv), { dryRun: true });
    expect(dry.result).toMatchObject({ status: 'validated', inserted: 4 });
    expect(await events()).toEqual([]);

    const first = await uploadAndRun(s, 'orders', Buffer.from(csv));
    expect(first.result).toMatchObject({ inserted: 4, failed: 0 });
    const os = await rows<{ id: string; customer_id: string; number: string; total_fen: string; ordered_at: Date }>(
      t.database.db,
      sql`select id, customer_id, number, total_fen::text, ordered_at from orders where tenant_id = ${tn.id} order by external_id`,
    );
    expect(os).toHaveLength(3);
    const got = await events();
    expect(got).toHaveLength(2);
    expect(got).toEqual(
      expect.arrayContaining(
        os.slice(0, 2).map((o) => ({
          type: 'order.created',
          entity_id: o.id,
          payload: { orderId: o.id, customerId: o.customer_id, number: o.number, totalFen: Number(o.total_fen), soldAt: new Date(o.ordered_at).toISOString(), imported: true },
        })),
      ),
    );
    expect(got.find((e) => e.entity_id === os[0].id)?.payload.soldAt).toBe(DateTime.fromISO(daysAgo(5), { zone: 'Asia/Shanghai' }).toUTC().toISO()); // a Shanghai date
    expect(got.some((e) => e.entity_id === os[2].id)).toBe(false);

    const again = await uploadAndRun(s, 'orders', Buffer.from(csv));
    expect(again.result).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
    expect(await events()).toHaveLength(2);

    // the header's empty store: kept by default, cleared on request; neither is a new order
    const noStore = csv.replace('南山店', '');
    expect((await uploadAndRun(s, 'orders', Buffer.from(noStore))).result).toMatchObject({ updated: 0, unchanged: 4 });
    expect((await uploadAndRun(s, 'orders', Buffer.from(noStore), { blankCells: 'clear' })).result).toMatchObject({ updated: 1, unchanged: 3 });
    const stores = await rows<{ external_id: string; store: string | null }>(t.database.db, sql`select external_id, store from orders where tenant_id = ${tn.id} order by external_id`);
    expect(stores).toEqual([
      { external_id: 'E1', store: null },
      { external_id: 'E2', store: null },
      { external_id: 'E3', store: '福田店' },
    ]);
    expect(await events()).toHaveLength(2);
  });
});
