import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
let sales: TestPage;

beforeAll(async () => {
  browser = await launchBrowser();
  sales = await openPage(browser, baseURL, 'zh-CN');
  await signIn(sales.page, 'sales@demo.example');
});

afterAll(async () => {
  await sales?.context.close();
  await browser?.close();
});

describe('customers', () => {
  it('a sales user creates a customer, is warned about a duplicate phone on the second create, and opens the 360 page', async () => {
    const { page, problems } = sales;
    // a number no demo customer has (unique per run, valid Chinese mobile)
    const phone = `135${String(Date.now()).slice(-8)}`;
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customers-table').waitFor();

    await page.getByTestId('customer-create').click();
    const dialog = page.getByTestId('customer-form-modal');
    await dialog.getByTestId('customer-name-input').fill('测试客户甲');
    await dialog.getByTestId('customer-phone-input').fill(phone);
    await shot(page, 'customers-create-zh');
    await dialog.getByTestId('customer-save').click();
    // created: the 360 page of the new customer opens
    await expect.poll(() => page.getByTestId('customer-360-name').textContent(), { timeout: 20_000 }).toBe('测试客户甲');

    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-create').click();
    await dialog.getByTestId('customer-name-input').fill('测试客户乙');
    await dialog.getByTestId('customer-phone-input').fill(`+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`);
    // warned while typing, before saving
    const warning = dialog.getByTestId('duplicate-warning');
    await warning.waitFor({ timeout: 20_000 });
    await expect.poll(() => warning.textContent()).toContain('测试客户甲');
    await dialog.getByTestId('customer-save').click();
    // the save is refused with the field error and the option to create anyway
    await dialog.getByText('已属于客户「测试客户甲」。').waitFor({ timeout: 20_000 });
    await dialog.getByTestId('duplicate-create-anyway').waitFor();
    await shot(page, 'customers-duplicate-zh');

    // open the existing customer's 360 page from the warning
    await warning.getByTestId('duplicate-open').first().click();
    await page.getByTestId('customer-360').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('customer-360-name').textContent()).toBe('测试客户甲');
    await page.getByTestId('customer-identities').getByText(`+86${phone}`).waitFor();
    await page.getByTestId('customer-tier-card').waitFor();
    await page.getByTestId('customer-timeline').waitFor();
    await shot(page, 'customer-360-zh');
    expect(problems.filter((p) => !/favicon/.test(p))).toEqual([]);
  });

  it('a demo customer’s 360 page shows purchases with historical and predicted CLV and the definition', async () => {
    const { page } = sales;
    const id = await page.evaluate(async () => {
      const res = await fetch('/api/v1/orders?limit=1');
      return ((await res.json()) as { items: { customerId: string }[] }).items[0].customerId;
    });
    await page.goto(`/customers/${id}`);
    await page.getByTestId('customer-purchases').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('clv-historical').textContent()).toMatch(/^¥[\d,]+\.\d\d$/);
    expect(await page.getByTestId('clv-predicted').textContent()).toMatch(/^¥[\d,]+\.\d\d$/);
    expect(await page.getByTestId('clv-definition').textContent()).toContain('预测 CLV');
    expect(await page.getByTestId('customer-order').count()).toBeGreaterThan(0);
    await shot(page, 'customer-360-purchases-zh');
  });
});
