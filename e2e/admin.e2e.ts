import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fillLogin, launchBrowser, navEntries, openPage, pickOption, shot, signIn, type TestPage } from './support/browser.ts';
import { pages, sectionOrder } from '../src/web/nav.tsx';
import { can } from '../src/platform/auth/roles.contract.ts';

const baseURL = inject('baseURL');
let browser: Browser;
const opened: TestPage[] = [];
/** the user (d) invites, signed in by the next test */
const invited = { email: '', temporaryPassword: '' };

async function fresh(locale: 'zh-CN' | 'en-US'): Promise<TestPage> {
  const p = await openPage(browser, baseURL, locale);
  opened.push(p);
  return p;
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of opened) await p.context.close();
  await browser?.close();
});

describe('administration', () => {
  it('(d) an admin creates a user on the Users page and finds the entry in the audit log', async () => {
    const { page, problems } = await fresh('zh-CN');
    await signIn(page, 'admin@demo.example');
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    await shot(page, 'users-zh');

    const email = `new.agent.${Date.now()}@demo.example`;
    await page.getByTestId('user-create').click();
    const dialog = page.getByTestId('user-form-modal');
    await dialog.getByTestId('user-email').fill(email);
    await dialog.getByTestId('user-name').fill('孙小梅');
    await dialog.getByTestId('user-phone').fill('13800138000');
    await shot(page, 'users-create-zh');
    await dialog.getByTestId('user-submit').click();

    // no password given: a one-time password is shown once
    const secret = page.getByTestId('secret-modal');
    await secret.getByTestId('secret-value').waitFor();
    invited.email = email;
    invited.temporaryPassword = (await secret.getByTestId('secret-value').textContent()) ?? '';
    expect(invited.temporaryPassword.length).toBeGreaterThanOrEqual(8);
    await shot(page, 'users-temp-password-zh');
    await secret.getByTestId('secret-done').click();
    await page.getByTestId('users-table').getByText(email).waitFor();

    // the same e-mail again: the server's message shows on the e-mail field
    await page.getByTestId('user-create').click();
    await dialog.getByTestId('user-email').fill(email);
    await dialog.getByTestId('user-name').fill('重复用户');
    await dialog.getByTestId('user-submit').click();
    await dialog.locator('.mantine-TextInput-error').getByText('已存在使用此邮箱的用户。').waitFor();
    await page.keyboard.press('Escape');

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-table').waitFor();
    const row = page.getByTestId('table-row').filter({ has: page.locator('[data-action="created"]') }).filter({ has: page.locator('[data-entity-type="user"]') }).filter({ hasText: '孙小梅' });
    await row.first().waitFor();
    expect(await row.first().getByTestId('audit-action').textContent()).toBe('创建');
    expect(await row.first().getByTestId('audit-actor').textContent()).toBe('王建国');
    await row.first().getByTestId('row-expand').click();
    await page.getByTestId('audit-detail').getByText(email).first().waitFor();
    await shot(page, 'audit-zh');

    // the CSV export holds the same entry
    const exportHref = await page.getByTestId('audit-export').getAttribute('href');
    expect(exportHref).toMatch(/^\/api\/v1\/audit\/export\.csv/);
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), exportHref!);
    expect(csv).toContain(email);
    expect(problems).toEqual([]);
  });

  it('the invited user must replace the one-time password before anything else', async () => {
    expect(invited.email).not.toBe('');
    const { page, problems } = await fresh('zh-CN');
    await page.goto('/login');
    await fillLogin(page, { email: invited.email, password: invited.temporaryPassword });
    await page.getByTestId('force-password-page').waitFor();
    await page.goto('/users'); // nothing else opens first
    await page.getByTestId('force-password-page').waitFor();
    await page.getByTestId('current-password').fill(invited.temporaryPassword);
    await page.getByTestId('new-password').fill('short');
    await page.getByTestId('confirm-password').fill('different');
    await page.getByTestId('change-password-submit').click();
    await page.getByText('太短：至少 8 个字符。').waitFor();
    await page.getByText('两次输入的密码不一致。').waitFor();
    await shot(page, 'force-password-zh');
    // the server's field error lands on its field
    await page.getByTestId('current-password').fill('not-the-temporary-one');
    await page.getByTestId('new-password').fill('a-new-password-2026');
    await page.getByTestId('confirm-password').fill('a-new-password-2026');
    await page.getByTestId('change-password-submit').click();
    await page.locator('.mantine-PasswordInput-error').getByText('当前密码错误。').waitFor();
    await page.getByTestId('current-password').fill(invited.temporaryPassword);
    await page.getByTestId('new-password').fill('a-new-password-2026');
    await page.getByTestId('confirm-password').fill('a-new-password-2026');
    await page.getByTestId('change-password-submit').click();
    await page.getByTestId('home-page').waitFor();
    expect(await page.getByTestId('welcome').textContent()).toContain('孙小梅');
    // exactly what the agent role may open (its work pages, no administration)
    const agentPages = sectionOrder.flatMap((section) => pages.filter((p) => p.section === section && can(['agent'], p.access)).map((p) => p.testId));
    const shown = await navEntries(page);
    expect(shown).toEqual(agentPages);
    expect(shown).toEqual(expect.arrayContaining(['nav-home', 'nav-tickets', 'nav-customers', 'nav-users', 'nav-teams']));
    expect(problems).toEqual([]);
  });

  it('(e) an agent sees no administration entries and cannot open them', async () => {
    const { page, problems } = await fresh('en-US');
    await signIn(page, 'agent@demo.example');
    // exactly what the agent role may open (its work pages, no administration)
    const agentPages = sectionOrder.flatMap((section) => pages.filter((p) => p.section === section && can(['agent'], p.access)).map((p) => p.testId));
    const shown = await navEntries(page);
    expect(shown).toEqual(agentPages);
    expect(shown).toEqual(expect.arrayContaining(['nav-home', 'nav-tickets', 'nav-customers', 'nav-users', 'nav-teams']));
    expect(await page.getByTestId('nav-section-admin').count()).toBe(0);
    await shot(page, 'home-agent-en');

    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('user-create').count()).toBe(0);
    expect(await page.getByTestId('user-edit').count()).toBe(0);

    await page.goto('/admin/audit');
    await page.getByText('No access', { exact: true }).waitFor();
    expect(await page.getByTestId('audit-table').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('an admin works with teams, settings, API tokens, webhooks and jobs', async () => {
    const { page, problems } = await fresh('en-US');
    await signIn(page, 'admin@demo.example');

    // teams: create with a lead
    await page.getByTestId('nav-teams').click();
    await page.getByTestId('teams-table').waitFor();
    await page.getByTestId('team-create').click();
    const teamDialog = page.getByTestId('team-form-modal');
    await teamDialog.getByTestId('team-name').fill('Escalations');
    await pickOption(page, teamDialog, 'team-members', /李秀英/);
    await teamDialog.getByTestId('team-member-lead').first().check();
    await shot(page, 'teams-edit-en');
    await teamDialog.getByTestId('team-submit').click();
    await page.getByTestId('teams-table').getByText('Escalations').waitFor();
    await shot(page, 'teams-en');

    // settings: a new name shows in the header at once
    const newName = '演示电器有限公司 / Demo Appliances Co. (e2e)';
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-form').waitFor();
    await page.getByTestId('settings-name').fill(newName);
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('tenant-name').textContent()).toBe(newName);
    await shot(page, 'settings-en');

    // API token: secret shown once, then listed
    await page.getByTestId('nav-api-tokens').click();
    await page.getByTestId('token-create').click();
    const tokenDialog = page.getByTestId('token-form-modal');
    await tokenDialog.getByTestId('token-name').fill('ERP integration');
    await pickOption(page, tokenDialog, 'token-roles', 'Analyst');
    await tokenDialog.getByTestId('token-submit').click();
    await page.getByTestId('secret-value').waitFor();
    expect(await page.getByTestId('secret-value').textContent()).toMatch(/^ast_/);
    await shot(page, 'tokens-secret-en');
    await page.getByTestId('secret-done').click();
    await page.getByTestId('tokens-table').getByText('ERP integration').waitFor();

    // webhook: create for all events, secret once, send a test, see the delivery
    await page.getByTestId('nav-webhooks').click();
    await page.getByTestId('webhook-create').click();
    const hookDialog = page.getByTestId('webhook-form-modal');
    await hookDialog.getByTestId('webhook-url').fill('http://127.0.0.1:9/hook');
    await pickOption(page, hookDialog, 'webhook-events', 'All events (*)');
    await hookDialog.getByTestId('webhook-submit').click();
    await page.getByTestId('secret-value').waitFor();
    await page.getByTestId('secret-done').click();
    await page.getByTestId('webhooks-table').getByText('http://127.0.0.1:9/hook').waitFor();
    await page.getByTestId('webhook-more').first().click();
    await page.getByTestId('webhook-test').click();
    await page.getByTestId('deliveries-drawer').getByText('webhook.test').first().waitFor();
    await shot(page, 'webhooks-deliveries-en');
    await page.keyboard.press('Escape');

    // jobs: the failed-jobs view loads (empty on a fresh server)
    await page.getByTestId('nav-jobs').click();
    await page.getByTestId('jobs-page').waitFor();
    await page.getByTestId('jobs-status-filter').waitFor();
    await expect.poll(async () => (await page.getByTestId('empty-state').count()) + (await page.getByTestId('jobs-table').count())).toBe(1);
    await shot(page, 'jobs-en');
    expect(problems).toEqual([]);
  });
});
