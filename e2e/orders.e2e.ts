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

describe('orders', () => {
  it('a sales user records an order for a demo customer with live totals, then refunds one line', async () => {
    const { page } = sales;
    // a demo customer who already bought something (the seed gives every demo tenant some)
    const customerName = await page.evaluate(async () => {
      const res = await fetch('/api/v1/orders?limit=1');
      return ((await res.json()) as { items: { customerName: string }[] }).items[0].customerName;
    });
    await page.goto('/orders');
    await page.getByTestId('orders-table').waitFor();
    await page.getByTestId('order-create').click();
    const dialog = page.getByTestId('order-form-modal');
    await dialog.getByTestId('order-customer').fill(customerName.slice(0, 2));
    await page.getByRole('option', { name: new RegExp(customerName) }).first().click();

    const lines = dialog.getByTestId('order-line');
    await lines.nth(0).getByTestId('line-product').fill('KFR-35');
    await page.getByRole('option', { name: /AC-KFR35GW/ }).click();
    await lines.nth(0).getByTestId('line-quantity').fill('2');
    await lines.nth(0).getByTestId('line-discount').fill('100');
    await expect.poll(() => lines.nth(0).getByTestId('line-total').textContent()).toBe('¥6,498.00');

    await dialog.getByTestId('order-add-line').click();
    await lines.nth(1).getByTestId('line-product').fill('FILTER');
    await page.getByRole('option', { name: /ACC-FILTER/ }).click();
    await expect.poll(() => dialog.getByTestId('order-total').textContent()).toContain('¥6,547.00');
    await shot(page, 'orders-create-zh');
    await dialog.getByTestId('order-submit').click();

    const drawer = page.getByTestId('order-drawer');
    // the create, the drawer and its GET can take a while on a busy machine
    await drawer.getByTestId('order-items').waitFor({ timeout: 30_000 });
    expect(await drawer.getByTestId('order-status').getAttribute('data-status')).toBe('placed');
    expect(await drawer.getByTestId('order-net').textContent()).toContain('¥6,547.00');

    // refund the filter line
    await drawer.getByTestId('order-item').nth(1).getByTestId('item-refund').click();
    const adjust = page.getByTestId('adjust-modal');
    await adjust.getByTestId('adjust-reason').fill('客户不需要滤网');
    await adjust.getByTestId('adjust-submit').click();
    await expect.poll(() => drawer.getByTestId('order-status').getAttribute('data-status')).toBe('partially_refunded');
    expect(await drawer.getByTestId('order-net').textContent()).toContain('¥6,498.00');
    expect(await drawer.getByTestId('order-adjustments').textContent()).toContain('客户不需要滤网');
    await shot(page, 'orders-refund-zh');

    // price protection on the air conditioners: money back by amount, typed in yuan, the goods stay
    await drawer.getByTestId('order-item').nth(0).getByTestId('item-refund').click();
    await adjust.getByText('按金额（元）').click();
    await adjust.getByTestId('adjust-amount').fill('100.10');
    await expect.poll(() => adjust.getByTestId('adjust-preview').textContent()).toContain('¥100.10');
    await adjust.getByTestId('adjust-reason').fill('价保退差价');
    await adjust.getByTestId('adjust-submit').click();
    await expect.poll(() => drawer.getByTestId('order-net').textContent()).toContain('¥6,397.90');
    expect(await drawer.getByTestId('order-status').getAttribute('data-status')).toBe('partially_refunded');
    expect(await drawer.getByTestId('order-adjustments').textContent()).toContain('仅退款（不退货）');
    await shot(page, 'orders-amount-refund-zh');
    expect(sales.problems).toEqual([]);
  });
});
