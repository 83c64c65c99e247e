import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { launchBrowser, openPage, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
let admin: TestPage;
const run = randomBytes(3).toString('hex');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function xlsx(data: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of data) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Chooses the kind, uploads the file, keeps the suggested mapping and imports; returns the result panel's counts. */
async function importSheet(page: Page, kindLabel: string, name: string, file: Buffer): Promise<{ inserted: string; failed: string }> {
  await page.getByTestId('import-kind').getByText(kindLabel, { exact: true }).click();
  await page.locator('input[type="file"]').setInputFiles({ name, mimeType: XLSX, buffer: file });
  await page.getByTestId('import-upload').click();
  await page.getByTestId('mapping-editor').waitFor();
  expect(await page.getByTestId('import-blank-cells-keep').isChecked()).toBe(true); // empty cells keep stored values unless chosen otherwise
  await page.getByTestId('import-run').click();
  const status = page.getByTestId('import-result').getByTestId('import-status');
  await status.filter({ hasText: /Completed|Failed/ }).waitFor({ timeout: 30_000 });
  return {
    inserted: (await page.getByTestId('count-inserted').textContent()) ?? '',
    failed: (await page.getByTestId('count-failed').textContent()) ?? '',
  };
}

async function apiGet(page: Page, path: string): Promise<unknown> {
  return page.evaluate(async (p) => (await fetch(`/api/v1${p}`)).json(), path);
}

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await openPage(browser, baseURL, 'en-US');
  await signIn(admin.page, 'admin@demo.example');
});

afterAll(async () => {
  await admin?.context.close();
  await browser?.close();
});

describe('spreadsheet import', () => {
  it('imports products, customers with one bad row (reported) and their orders, then opens the customer', async () => {
    const { page } = admin;
    await page.goto('/imports');
    await page.getByTestId('imports-page').waitFor();

    const products = await xlsx([['SKU', 'Name', 'Model', 'Price'], [`E2E-${run}`, 'Air conditioner E2E', 'KFR-E2E', 2999]]);
    expect((await importSheet(page, 'Products', 'products.xlsx', products)).inserted).toBe('1');

    const mobile = `139${String(parseInt(run, 16) % 100_000_000).padStart(8, '0')}`;
    const customers = await xlsx([
      ['Member ID', 'Name', 'Mobile', 'Birthday'],
      [`E2E-${run}`, `Import Tester ${run}`, mobile, new Date(Date.UTC(1990, 4, 1))],
      [`E2E-BAD-${run}`, 'Bad Phone', '12345', '1991-01-01'],
    ]);
    const c = await importSheet(page, 'Customers', 'customers.xlsx', customers);
    expect(c).toEqual({ inserted: '1', failed: '1' });
    const errors = page.getByTestId('import-errors');
    await errors.getByText('C Mobile').waitFor();
    expect(await errors.textContent()).toContain('Not a valid phone number');
    await shot(page, 'imports-report');

    const orders = await xlsx([
      ['Order ID', 'Member ID', 'Order date', 'Channel', 'SKU', 'Quantity'],
      [`E2E-O-${run}`, `E2E-${run}`, '2026-03-01', 'online', `E2E-${run}`, 1],
    ]);
    expect(await importSheet(page, 'Orders', 'orders.xlsx', orders)).toEqual({ inserted: '1', failed: '0' });
    await page.getByTestId('import-history').getByText('orders.xlsx').first().waitFor();

    const found = (await apiGet(page, `/customers?q=${mobile}`)) as { id: string; name: string }[];
    expect(found[0]?.name).toBe(`Import Tester ${run}`);
    await page.goto(`/customers/${found[0].id}`);
    await page.getByText(`Import Tester ${run}`).first().waitFor();
    await shot(page, 'imports-customer');
  });
});
