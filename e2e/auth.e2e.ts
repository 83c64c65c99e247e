import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chooseLanguage, fillLogin, launchBrowser, navEntries, openPage, shot, signIn, signOut, type TestPage } from './support/browser.ts';
import { pages, sectionOrder } from '../src/web/nav.tsx';
import { can } from '../src/platform/auth/roles.contract.ts';

const baseURL = inject('baseURL');
let browser: Browser;
const opened: TestPage[] = [];

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

describe('sign-in and language', () => {
  it('(a) signs in in Chinese as admin and shows Chinese navigation', async () => {
    const { page, problems } = await fresh('zh-CN');
    await page.goto('/');
    await page.getByTestId('login-form').waitFor();
    expect(page.url()).toContain('/login');
    await expect.poll(() => page.getByTestId('login-title').textContent()).toBe('登录');
    await page.getByTestId('login-tenant-brand').waitFor();
    expect(await page.getByTestId('tenant-name').textContent()).toContain('演示电器有限公司');
    await shot(page, 'login-zh');

    await signIn(page, 'admin@demo.example');
    const nav = page.getByTestId('navbar');
    for (const label of ['首页', '用户', '团队', '组织设置', 'API 令牌', 'Webhook', '审计日志', '后台任务']) await expect(nav.getByText(label, { exact: true }).count()).resolves.toBe(1);
    expect(await page.getByTestId('welcome').textContent()).toContain('王建国');
    expect(await page.getByTestId('role-badges').first().textContent()).toContain('系统管理员');
    await shot(page, 'home-admin-zh');
    expect(problems).toEqual([]);
  });

  it('(b) signs in in English (chosen on the sign-in page) and shows English navigation', async () => {
    const { page, problems } = await fresh('zh-CN');
    await page.goto('/login');
    await chooseLanguage(page, 'en');
    expect(await page.getByTestId('login-title').textContent()).toBe('Sign in');
    await shot(page, 'login-en');
    await signIn(page, 'specialist@demo.example');
    const nav = page.getByTestId('navbar');
    await nav.getByText('Home', { exact: true }).waitFor();
    expect(await nav.getByText('Users', { exact: true }).count()).toBe(1);
    expect(await page.getByTestId('welcome').textContent()).toMatch(/Good (morning|afternoon|evening), 刘洋/);
    await shot(page, 'home-specialist-en');
    expect(problems).toEqual([]);
  });

  it('(c) a wrong password shows the server message in the chosen language', async () => {
    const { page, problems } = await fresh('en-US');
    await page.goto('/login');
    await chooseLanguage(page, 'zh-CN');
    await fillLogin(page, { email: 'sales@demo.example', password: 'wrong-password' });
    await expect.poll(() => page.getByTestId('error-message').textContent()).toBe('邮箱或密码错误。');
    await shot(page, 'login-wrong-password-zh');

    await chooseLanguage(page, 'en');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('error-message').textContent()).toBe('The e-mail or password is wrong.');
    await shot(page, 'login-wrong-password-en');

    // an unknown organisation code is reported on its field
    await page.getByTestId('login-tenant').fill('no-such-org');
    await page.getByTestId('login-submit').click();
    await page.getByText('No organisation with the code "no-such-org" exists.').waitFor();
    expect(problems).toEqual([]);
  });

  it('locks the account after repeated failures and says so', async () => {
    const { page } = await fresh('en-US');
    await page.goto('/login');
    await page.getByTestId('login-tenant').fill('small');
    await page.getByTestId('login-email').fill('analyst@small.example');
    await page.getByTestId('login-password').fill('not-the-password');
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('login-submit').click();
      await page.getByTestId('error-message').waitFor();
      await expect.poll(() => page.getByTestId('login-submit').getAttribute('data-loading')).toBeNull();
    }
    await expect.poll(() => page.getByTestId('error-message').textContent()).toMatch(/^Too many failed sign-in attempts\. This account is locked for \d+ more minutes\.$/);
    await shot(page, 'login-locked-en');
  });

  it('(f) a language switched after sign-in is remembered for the user', async () => {
    const first = await fresh('zh-CN');
    await signIn(first.page, 'manager@demo.example');
    await first.page.getByTestId('navbar').getByText('首页', { exact: true }).waitFor();
    await chooseLanguage(first.page, 'en');
    await first.page.getByTestId('navbar').getByText('Home', { exact: true }).waitFor();
    await signOut(first.page);
    expect(await first.page.getByTestId('login-title').textContent()).toBe('Sign in');
    await signIn(first.page, 'manager@demo.example');
    await first.page.getByTestId('navbar').getByText('Audit log', { exact: true }).waitFor();

    // another browser in Chinese: the sign-in page is Chinese, the user's choice wins after sign-in
    const second = await fresh('zh-CN');
    await second.page.goto('/login');
    expect(await second.page.getByTestId('login-title').textContent()).toBe('登录');
    await signIn(second.page, 'manager@demo.example');
    await second.page.getByTestId('navbar').getByText('Audit log', { exact: true }).waitFor();
    // exactly the pages the manager role may open, in navbar order; never the admin-only ones
    const managerPages = sectionOrder.flatMap((section) => pages.filter((p) => p.section === section && can(['manager'], p.access)).map((p) => p.testId));
    const shown = await navEntries(second.page);
    expect(shown).toEqual(managerPages);
    expect(shown).toEqual(expect.arrayContaining(['nav-home', 'nav-tickets', 'nav-users', 'nav-teams', 'nav-sla-policies', 'nav-audit']));
    for (const adminOnly of ['nav-api-tokens', 'nav-webhooks', 'nav-jobs', 'nav-settings']) expect(shown).not.toContain(adminOnly);
    await shot(second.page, 'home-manager-en-remembered');
    expect([...first.problems, ...second.problems]).toEqual([]);
  });
});
