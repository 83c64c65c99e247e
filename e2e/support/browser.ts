import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../scripts/demo-data.ts';
import { repoRoot } from './server.ts';

export { DEMO_PASSWORD };
export const screenshotDir = path.join(repoRoot, 'artifacts/screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** uncaught page errors and console errors (CSP violations, React errors); failed fetches are expected and left out */
  problems: string[];
}

/** A fresh browser profile (no cookies, no storage) whose language is `locale` (navigator.languages and Accept-Language). */
export async function openPage(browser: Browser, baseURL: string, locale: 'zh-CN' | 'en-US'): Promise<TestPage> {
  const context = await browser.newContext({ baseURL, locale, viewport: { width: 1360, height: 860 }, timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.waitForTimeout(400); // let dialogs, drawers and toasts finish their transitions
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Picks 中文 or English with the switch on the page. */
export async function chooseLanguage(page: Page, locale: 'zh-CN' | 'en'): Promise<void> {
  await page.locator('[data-testid="lang-switch"]').first().getByText(locale === 'en' ? 'English' : '中文', { exact: true }).click();
  await page.waitForFunction((l) => document.documentElement.lang === l, locale);
}

export async function fillLogin(page: Page, opts: { tenant?: string; email: string; password?: string }): Promise<void> {
  await page.getByTestId('login-tenant').fill(opts.tenant ?? 'demo');
  await page.getByTestId('login-email').fill(opts.email);
  await page.getByTestId('login-password').fill(opts.password ?? DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
}

/** Signs in from /login and waits for the shell. */
export async function signIn(page: Page, email: string, opts: { tenant?: string; password?: string } = {}): Promise<void> {
  if (!page.url().includes('/login')) await page.goto('/login');
  await page.getByTestId('login-form').waitFor();
  await fillLogin(page, { email, ...opts });
  await page.getByTestId('navbar').waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-logout').click();
  await page.getByTestId('login-form').waitFor();
}

/** Visible navbar entries, by data-testid. */
export async function navEntries(page: Page): Promise<string[]> {
  return page.locator('[data-testid="navbar"] a[data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
}

/** Opens a Mantine (Multi)Select by its data-testid and picks the option with this visible name. */
export async function pickOption(page: Page, scope: Locator, testId: string, option: string | RegExp): Promise<void> {
  const wanted = page.getByRole('option', { name: option }).first();
  for (let attempt = 0; ; attempt++) {
    // force: the pills wrapper sits over an empty MultiSelect's input; a dialog may still be moving in
    await scope.getByTestId(testId).click({ force: true });
    try {
      await wanted.waitFor({ timeout: 2000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.waitForTimeout(300);
    }
  }
  await wanted.click();
  await page.keyboard.press('Escape');
}
