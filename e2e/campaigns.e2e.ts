import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
const opened: TestPage[] = [];
const tag = Date.now().toString(36);

/** Calls the API from the page, as its signed-in user (cookie + CSRF header). */
async function api<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('/api/v1/me')).json();
      const res = await fetch(`/api/v1${path}`, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, json: res.status === 204 ? null : await res.json() };
    },
    { method, path, body },
  ) as Promise<{ status: number; json: T }>;
}

async function newCustomer(page: Page, name: string, language: 'zh-CN' | 'en'): Promise<void> {
  const res = await api<{ id: string }>(page, 'POST', '/customers', { name, language, emails: [`${tag}.${language}@example.cn`] });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
}

/** Picks a customer in the preview's customer search by typing part of the name. */
async function pickCustomer(page: Page, name: string): Promise<void> {
  const input = page.getByTestId('campaign-preview').getByTestId('preview-customer');
  await input.fill(name);
  await page.getByRole('option', { name: new RegExp(name) }).first().click();
}

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const p of opened) await p.context.close();
  await browser?.close();
});

describe('care campaigns', () => {
  it('opens the birthday campaign and previews its template with real customers, in Chinese and in English', async () => {
    const tp = await openPage(browser, baseURL, 'zh-CN');
    opened.push(tp);
    const { page, problems } = tp;
    await signIn(page, 'admin@demo.example');
    const zhName = `陈晓${tag}`;
    const enName = `Emma ${tag}`;
    await newCustomer(page, zhName, 'zh-CN');
    await newCustomer(page, enName, 'en');

    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-table').waitFor();
    await page.getByTestId('campaign-link').filter({ hasText: '生日关怀' }).click();
    await page.getByTestId('campaign-page').waitFor();
    expect(await page.getByTestId('campaign-page').getByTestId('campaign-status').textContent()).toBe('进行中');

    await pickCustomer(page, zhName);
    const out = page.getByTestId('preview-output');
    await out.getByTestId('preview-subject').filter({ hasText: `${zhName}，生日快乐！` }).waitFor();
    expect(await out.getByTestId('preview-output-locale').textContent()).toBe('中文');
    expect(await out.getByTestId('preview-text').textContent()).toContain('/api/v1/public/unsubscribe?t=');
    await shot(page, 'campaign-preview-zh');

    await pickCustomer(page, enName);
    await out.getByTestId('preview-subject').filter({ hasText: `Happy birthday, ${enName}!` }).waitFor();
    expect(await out.getByTestId('preview-output-locale').textContent()).toBe('English');
    await shot(page, 'campaign-preview-en-customer');

    // the same Chinese customer, previewed in the English version on demand
    await pickCustomer(page, zhName);
    await out.getByTestId('preview-subject').filter({ hasText: `${zhName}，生日快乐！` }).waitFor();
    await page.getByTestId('preview-locale').getByText('English').click();
    await out.getByTestId('preview-subject').filter({ hasText: `Happy birthday, ${zhName}!` }).waitFor();

    await page.getByTestId('tab-report').click();
    await page.getByTestId('campaign-report').waitFor();
    expect(problems).toEqual([]);
  });

  it('shows the campaigns in English for an English-speaking organisation', async () => {
    const tp = await openPage(browser, baseURL, 'en-US');
    opened.push(tp);
    const { page, problems } = tp;
    await signIn(page, 'admin@small.example', { tenant: 'small' });
    await newCustomer(page, `Oliver ${tag}`, 'en');
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaign-link').filter({ hasText: 'Birthday greetings' }).click();
    await page.getByTestId('campaign-page').waitFor();
    expect(await page.getByTestId('campaign-page').getByTestId('campaign-status').textContent()).toBe('Running');
    await pickCustomer(page, `Oliver ${tag}`);
    await page.getByTestId('preview-output').getByTestId('preview-subject').filter({ hasText: `Happy birthday, Oliver ${tag}!` }).waitFor();
    await shot(page, 'campaign-preview-en');
    await page.getByTestId('nav-followups').click();
    await page.getByTestId('followups-page').waitFor();
    expect(problems).toEqual([]);
  });
});
