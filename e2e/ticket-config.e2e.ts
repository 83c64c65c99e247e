import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, navEntries, openPage, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
let admin: TestPage;
let agent: TestPage;

/** Picks an option of a Mantine Select inside a dialog (its dropdown closes by itself; Escape would close the dialog). */
async function selectOption(page: Page, scope: Locator, testId: string, option: string | RegExp): Promise<void> {
  await scope.getByTestId(testId).click();
  await page.getByRole('option', { name: option }).first().click();
}

/** The same for a MultiSelect, whose dropdown stays open: a click on a neutral spot of the dialog closes it. */
async function multiOption(page: Page, scope: Locator, testId: string, option: string | RegExp, closeOn: Locator): Promise<void> {
  await scope.getByTestId(testId).click({ force: true });
  await page.getByRole('option', { name: option }).first().click();
  await closeOn.click();
}

async function getJson(page: Page, path: string): Promise<unknown> {
  return page.evaluate(async (p) => (await fetch(`/api/v1${p}`)).json(), path);
}

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await openPage(browser, baseURL, 'en-US');
  agent = await openPage(browser, baseURL, 'zh-CN');
  await signIn(admin.page, 'admin@demo.example');
  await signIn(agent.page, 'agent@demo.example');
});

afterAll(async () => {
  await admin?.context.close();
  await agent?.context.close();
  await browser?.close();
});

describe('ticket configuration', () => {
  it('an admin adds a required select field for repair tickets', async () => {
    const { page } = admin;
    await page.getByTestId('nav-ticket-fields').click();
    await page.getByTestId('ticket-fields-page').waitFor();
    // the demo seed's fields
    await page.getByTestId('ticket-fields-table').getByText('Product model').waitFor();
    await page.getByTestId('field-create').click();
    const dialog = page.getByTestId('field-form-modal');
    await dialog.getByTestId('field-key').fill('installType');
    await selectOption(page, dialog, 'field-type', 'Single choice');
    await dialog.getByTestId('field-label-zh').fill('安装方式');
    await dialog.getByTestId('field-label-en').fill('Installation');
    await multiOption(page, dialog, 'field-ticket-types', 'Repair', dialog.getByTestId('field-label-en'));
    await dialog.getByTestId('field-required').click();
    // a choice field without options is refused by the server, on the options editor
    await dialog.getByTestId('field-submit').click();
    await dialog.getByText('A choice field needs at least one option.').waitFor();
    for (const [i, o] of [['wall', '壁挂', 'Wall-mounted'], ['floor', '落地', 'Floor-standing']].entries()) {
      await dialog.getByTestId('option-add').click();
      await dialog.getByTestId(`option-value-${i}`).fill(o[0]);
      await dialog.getByTestId(`option-zh-${i}`).fill(o[1]);
      await dialog.getByTestId(`option-en-${i}`).fill(o[2]);
    }
    await shot(page, 'ticket-field-form-en');
    await dialog.getByTestId('field-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('ticket-fields-table').getByTestId('table-row').filter({ hasText: 'installType' });
    await row.waitFor();
    expect(await row.innerText()).toContain('Wall-mounted');
    await shot(page, 'ticket-fields-en');
    expect(admin.problems).toEqual([]);
  });

  it('an agent creates a repair ticket: the field shows in Chinese, is required, and is saved', async () => {
    const { page } = agent;
    expect(await navEntries(page)).not.toContain('nav-ticket-fields');
    await page.getByTestId('nav-tickets').click();
    await page.getByTestId('tickets-page').waitFor();
    await page.getByTestId('ticket-create').click();
    const dialog = page.getByTestId('ticket-form-modal');
    await dialog.getByTestId('ticket-subject').fill('空调外机噪音大，需要上门');
    await dialog.getByTestId('ticket-customer-phone').fill('13900002222');
    // an inquiry has no install field; a repair has
    expect(await dialog.getByTestId('cf-installType').count()).toBe(0);
    await selectOption(page, dialog, 'ticket-type', '维修');
    const field = dialog.getByTestId('cf-installType');
    await field.waitFor();
    await dialog.getByText('安装方式').first().waitFor();
    await dialog.getByTestId('ticket-submit').click();
    // the server's required error lands on the field's own input
    await shot(page, 'ticket-new-custom-field-error-zh');
    await dialog.getByText('此项为必填项。').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByTestId('ticket-subject').getAttribute('aria-invalid')).not.toBe('true');
    await selectOption(page, dialog, 'cf-installType', '落地');
    await dialog.getByTestId('ticket-submit').click();
    await page.getByTestId('ticket-page').waitFor();
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const saved = (await getJson(page, `/tickets/${id}`)) as { customFields: Record<string, unknown>; type: string };
    expect(saved.type).toBe('repair');
    expect(saved.customFields.installType).toBe('floor');

    // the ticket's side panel shows the field in Chinese and saves a change
    const panel = page.getByTestId('ticket-fields');
    await expect.poll(() => panel.getByTestId('cf-installType').inputValue()).toBe('落地');
    await panel.getByTestId('cf-installType').click();
    await page.getByRole('option', { name: '壁挂' }).click();
    await panel.getByTestId('cf-save').click();
    await expect.poll(async () => ((await getJson(page, `/tickets/${id}`)) as { customFields: Record<string, unknown> }).customFields.installType).toBe('wall');
    await shot(page, 'ticket-custom-fields-panel-zh');
    expect(agent.problems).toEqual([]);
  });

  it('the admin sees routing per team and writes a personal macro with variables', async () => {
    const { page } = admin;
    await page.getByTestId('nav-routing').click();
    await page.getByTestId('routing-page').waitFor();
    await page.getByTestId('team-routing-table').getByTestId('table-row').first().waitFor();
    await page.getByTestId('routing-tab-skills').click();
    await page.getByTestId('agent-skills-table').getByTestId('table-row').first().waitFor();
    await shot(page, 'routing-skills-en');

    await page.getByTestId('nav-macros').click();
    await page.getByTestId('macros-page').waitFor();
    await page.getByTestId('macro-create').click();
    const dialog = page.getByTestId('macro-form-modal');
    await dialog.getByTestId('macro-name').fill('Visit booked');
    await dialog.getByTestId('macro-body').fill('Hello ');
    await dialog.getByTestId('macro-var-customer.name').click();
    await expect.poll(() => dialog.getByTestId('macro-body').inputValue()).toBe('Hello {{customer.name}}');
    expect(await dialog.getByTestId('macro-preview').innerText()).toBe('Hello 张三');
    await selectOption(page, dialog, 'macro-status', 'Pending');
    await dialog.getByTestId('macro-shared').click();
    await dialog.getByTestId('macro-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('macros-table').getByTestId('table-row').filter({ hasText: 'Visit booked' });
    await row.waitFor();
    expect(await row.innerText()).toContain('Personal');
    const macros = (await getJson(page, '/macros')) as { name: string; shared: boolean; actions: { status?: string } }[];
    expect(macros.find((m) => m.name === 'Visit booked')).toMatchObject({ shared: false, actions: { status: 'pending' } });
    expect(admin.problems).toEqual([]);
  });
});
