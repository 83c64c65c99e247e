import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, pickOption, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
let admin: TestPage;
// a 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** Calls the API from the page, as the signed-in user (cookie + CSRF header), like another tab would. */
async function apiFromPage(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('/api/v1/me')).json();
      const res = await fetch(`/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: res.status === 204 ? null : await res.json() };
    },
    { method, path, body },
  );
}

function row(page: Page, tableTestId: string, text: string) {
  return page.getByTestId(tableTestId).getByTestId('table-row').filter({ hasText: text });
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

describe('managing the organisation', () => {
  it('edits, deactivates, reactivates and resets a user; a stale edit offers to reload', async () => {
    const { page } = admin;
    await page.goto('/users');
    const warehouse = row(page, 'users-table', 'warehouse@demo.example');
    await warehouse.getByTestId('user-edit').click();
    const dialog = page.getByTestId('user-form-modal');
    await dialog.getByTestId('user-phone').fill('021-5555-0100');
    await pickOption(page, dialog, 'user-roles', 'Sales');
    await dialog.getByTestId('user-submit').click();
    await warehouse.getByText('021-5555-0100').waitFor();
    expect(await warehouse.getByTestId('role-badges').textContent()).toContain('Sales');

    // someone else changes the user while the dialog is open
    await warehouse.getByTestId('user-edit').click();
    await dialog.getByTestId('user-name').fill('Yang Jing');
    const id = await warehouse.getAttribute('data-row-key');
    const current = (await apiFromPage(page, 'GET', `/users/${id}`)).json as { version: number };
    expect((await apiFromPage(page, 'PATCH', `/users/${id}`, { version: current.version, phone: '021-5555-0199' })).status).toBe(200);
    await dialog.getByTestId('user-submit').click();
    await dialog.getByTestId('error-alert').waitFor();
    expect(await dialog.getByTestId('error-message').textContent()).toMatch(/Someone else changed this/);
    await shot(page, 'users-conflict-en');
    await dialog.getByTestId('error-retry').click();
    await expect.poll(() => dialog.getByTestId('user-phone').inputValue()).toBe('021-5555-0199');
    await dialog.getByTestId('user-name').fill('Yang Jing');
    await dialog.getByTestId('user-submit').click();
    await warehouse.getByText('Yang Jing').waitFor();

    await warehouse.getByTestId('user-more').click();
    await page.getByTestId('user-deactivate').click();
    await page.getByTestId('confirm-ok').click();
    await warehouse.getByText('Deactivated').waitFor();
    await warehouse.getByTestId('user-more').click();
    await page.getByTestId('user-reactivate').click();
    await page.getByTestId('confirm-ok').click();
    await warehouse.getByText('Active', { exact: true }).waitFor();

    await warehouse.getByTestId('user-more').click();
    await page.getByTestId('user-reset-password').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('secret-value').waitFor();
    await page.getByTestId('secret-done').click();
    await warehouse.getByText('Must change password').waitFor();

    // filters: search and role
    await page.getByTestId('users-search').fill('Yang');
    await expect.poll(() => page.getByTestId('users-table').getByTestId('table-row').count()).toBe(1);
    await page.getByTestId('users-search').fill('');
  });

  it('revokes an API token and pauses, edits and deletes a webhook', async () => {
    const { page } = admin;
    await page.goto('/admin/api-tokens');
    await page.getByTestId('token-create').click();
    const tokenDialog = page.getByTestId('token-form-modal');
    await tokenDialog.getByTestId('token-name').fill('Short-lived');
    await pickOption(page, tokenDialog, 'token-roles', 'Agent (L1)');
    await tokenDialog.getByTestId('token-submit').click();
    await page.getByTestId('secret-done').click();
    const token = row(page, 'tokens-table', 'Short-lived');
    await token.getByTestId('token-revoke').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => token.count()).toBe(0);
    await page.getByTestId('tokens-include-revoked').click({ force: true });
    await token.getByText('Revoked').waitFor();

    await page.goto('/admin/webhooks');
    await page.getByTestId('webhook-create').click();
    const hookDialog = page.getByTestId('webhook-form-modal');
    await hookDialog.getByTestId('webhook-url').fill('https://erp.example.com/hooks/aftersales');
    await pickOption(page, hookDialog, 'webhook-events', 'user.created');
    await hookDialog.getByTestId('webhook-submit').click();
    await page.getByTestId('secret-done').click();
    const hook = row(page, 'webhooks-table', 'https://erp.example.com/hooks/aftersales');
    await hook.getByTestId('webhook-more').click();
    await page.getByTestId('webhook-deactivate').click();
    await hook.getByText('Paused').waitFor();
    await hook.getByTestId('webhook-more').click();
    await page.getByTestId('webhook-edit').click();
    await hookDialog.getByTestId('webhook-description').fill('ERP customer sync');
    await hookDialog.getByTestId('webhook-submit').click();
    await hook.getByText('ERP customer sync').waitFor();
    await shot(page, 'webhooks-en');
    await hook.getByTestId('webhook-more').click();
    await page.getByTestId('webhook-delete').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => hook.count()).toBe(0);
  });

  it('uploads a logo that shows in the header, deletes a team, filters the audit log', async () => {
    const { page } = admin;
    await page.goto('/admin/settings');
    await page.locator('input[type="file"]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('settings-logo-preview').waitFor();
    await page.getByTestId('settings-save').click();
    await page.getByTestId('app-header').getByTestId('tenant-logo').waitFor();
    await page.getByTestId('settings-logo-remove').click();
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('app-header').getByTestId('tenant-logo').count()).toBe(0);

    await page.goto('/teams');
    const field = row(page, 'teams-table', 'Field Service');
    await field.getByTestId('team-delete').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => field.count()).toBe(0);

    await page.goto('/admin/audit');
    await page.getByTestId('audit-table').waitFor();
    await pickOption(page, page.getByTestId('filters'), 'audit-filter-action', 'Deleted');
    await expect.poll(async () => {
      const actions = await page.getByTestId('audit-action').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
      return actions.length > 0 && actions.every((a) => a === 'deleted');
    }).toBe(true);
    expect(await page.getByTestId('audit-export').getAttribute('href')).toContain('action=deleted');
    await shot(page, 'audit-filtered-en');
  });

  it('changes own name on the profile page and switches to dark mode', async () => {
    const { page } = admin;
    await page.goto('/profile');
    await page.getByTestId('profile-name').fill('Wang Jianguo');
    await page.getByTestId('profile-save').click();
    await expect.poll(() => page.getByTestId('user-menu').textContent()).toContain('Wang Jianguo');
    await page.getByTestId('color-scheme-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'))).toBe('dark');
    await page.goto('/users');
    await page.getByTestId('users-table').waitFor();
    await shot(page, 'users-dark-en');
    await page.reload();
    await page.getByTestId('users-table').waitFor();
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'))).toBe('dark');

    // put the name back: other files expect the seeded one
    await page.goto('/profile');
    await page.getByTestId('profile-name').fill('王建国');
    await page.getByTestId('profile-save').click();
    await expect.poll(() => page.getByTestId('user-menu').textContent()).toContain('王建国');
    expect(admin.problems).toEqual([]);
  });
});
