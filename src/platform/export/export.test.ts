import { describe, expect, it, afterAll } from 'vitest';
import Fastify from 'fastify';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { contentDisposition, pagesByKeyset, sendExport, type ExportColumn } from './export.ts';
import { ExportFormat } from './export.contract.ts';

interface Row {
  id: string;
  name: string;
  fen: number;
  at: Date | null;
}

const rows: Row[] = Array.from({ length: 2500 }, (_, i) => ({
  id: String(i).padStart(6, '0'),
  name: i === 7 ? '=HYPERLINK("x")' : i === 8 ? '王, "小明"\n第二行' : `客户${i}`,
  fen: i * 100 - 50,
  at: i % 2 ? new Date(Date.UTC(2026, 0, 1, 16, 30, 0)) : null,
}));

const columns: ExportColumn<Row>[] = [
  { header: { en: 'Name', 'zh-CN': '姓名' }, value: (r) => r.name },
  { header: { en: 'Amount (fen)', 'zh-CN': '金额（分）' }, value: (r) => r.fen },
  { header: { en: 'Created', 'zh-CN': '创建时间' }, value: (r) => r.at },
];

const app = Fastify();
app.get('/export', async (req, reply) => {
  const q = z.object({ format: ExportFormat, locale: z.enum(['en', 'zh-CN']), fail: z.string().optional() }).parse(req.query);
  const pageSize = 1000;
  const fetchPage = async (after: string | null) => {
    if (q.fail && after) throw new Error('database went away');
    const start = after === null ? 0 : rows.findIndex((r) => r.id === after) + 1;
    return rows.slice(start, start + pageSize);
  };
  return sendExport(reply, { format: q.format, filename: '客户 列表', locale: q.locale, columns, rows: pagesByKeyset(fetchPage, pageSize), timeZone: 'Asia/Shanghai' });
});
afterAll(() => app.close());

describe('sendExport', () => {
  it('streams CSV with BOM, localized headers, escaping and formula neutralisation', async () => {
    const res = await app.inject({ method: 'GET', url: '/export?format=csv&locale=zh-CN' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="__ __.csv"; filename*=UTF-8''${encodeURIComponent('客户 列表.csv')}`);
    const buf = res.rawPayload;
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(buf, { bom: true }) as string[][];
    expect(records[0]).toEqual(['姓名', '金额（分）', '创建时间']);
    expect(records).toHaveLength(rows.length + 1);
    expect(records[1]).toEqual(['客户0', '-50', '']);
    expect(records[2]).toEqual(['客户1', '50', '2026-01-02 00:30:00']);
    expect(records[8][0]).toBe(`'=HYPERLINK("x")`);
    expect(records[9][0]).toBe('王, "小明"\n第二行');
    expect(records[2500][0]).toBe('客户2499');
  });

  it('streams XLSX that exceljs reads back, headers in English', async () => {
    const res = await app.inject({ method: 'GET', url: '/export?format=xlsx&locale=en' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('客户 列表.xlsx')}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, 'Name', 'Amount (fen)', 'Created']);
    expect(ws.rowCount).toBe(rows.length + 1);
    expect(ws.getCell('A3').value).toBe('客户1');
    expect(ws.getCell('B2').value).toBe(-50);
    expect((ws.getCell('C3').value as Date).toISOString()).toBe('2026-01-01T16:30:00.000Z');
    expect(ws.getCell('A9').value).toBe(`'=HYPERLINK("x")`);
    expect(ws.getCell('A2501').value).toBe('客户2499');
  });

  it('aborts the download instead of sending a truncated file when rows fail', async () => {
    await expect(app.inject({ method: 'GET', url: '/export?format=csv&locale=en&fail=1' }).then((r) => r.rawPayload.length)).rejects.toThrow();
  });

  it('encodes RFC 5987 special characters', () => {
    expect(contentDisposition("a'b(1).csv")).toBe(`attachment; filename="a'b(1).csv"; filename*=UTF-8''a%27b%281%29.csv`);
  });
});
