import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, openPage, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
let agent: TestPage;
let ticketUrl = '';

/** Calls the API from the page, as the signed-in user (cookie + CSRF header). */
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

/** Picks an option of a single Mantine Select (its dropdown closes by itself; Escape would close the dialog). */
async function selectOption(page: Page, scope: Locator, testId: string, option: string | RegExp): Promise<void> {
  await scope.getByTestId(testId).click();
  await page.getByRole('option', { name: option }).first().click();
}

beforeAll(async () => {
  browser = await launchBrowser();
  agent = await openPage(browser, baseURL, 'zh-CN');
  await signIn(agent.page, 'agent@demo.example');
});

afterAll(async () => {
  await agent?.context.close();
  await browser?.close();
});

describe('agent console', () => {
  it('logs a phone call as a ticket in Chinese, finds it by a 2-character word, answers and resolves it', async () => {
    const { page } = agent;
    await page.getByTestId('nav-tickets').click();
    await page.getByTestId('tickets-page').waitFor();
    await page.getByTestId('ticket-create').click();
    const dialog = page.getByTestId('ticket-form-modal');
    await dialog.getByTestId('ticket-subject').fill('客户来电：冰箱不制冷，需要上门检查');
    await dialog.getByTestId('ticket-description').fill('客户说冰箱昨天开始不制冷，已经断电重启过。');
    await selectOption(page, dialog, 'ticket-type', '维修');
    expect(await dialog.getByTestId('ticket-channel').inputValue()).toBe('电话');
    await dialog.getByTestId('ticket-customer-name').fill('王小明');
    // a name alone cannot be linked to a customer: the form says so instead of dropping it
    await dialog.getByTestId('ticket-submit').click();
    await dialog.getByText('请填写电话或邮箱，以便识别客户。').waitFor();
    await dialog.getByTestId('ticket-customer-phone').fill('+86 139-0000-1234');
    await shot(page, 'ticket-new-zh');
    await dialog.getByTestId('ticket-submit').click();
    await page.getByTestId('ticket-page').waitFor();
    ticketUrl = new URL(page.url()).pathname;
    expect(await page.getByTestId('status-menu').getAttribute('data-status')).toBe('new');

    // the search box finds it by a two-character Chinese word inside the running text
    await page.getByTestId('nav-tickets').click();
    await page.getByTestId('tickets-search').fill('制冷');
    const row = page.getByTestId('tickets-table').getByTestId('table-row').filter({ hasText: '冰箱不制冷' });
    await row.waitFor();
    expect(await row.getByTestId('sla-badge').getAttribute('data-tone')).toMatch(/ok|warning/);
    await shot(page, 'tickets-search-zh');

    // the search is saved as a view and opened again from the queue picker
    await page.getByTestId('tickets-save-view').click();
    await page.getByTestId('view-name').fill('冰箱制冷');
    await page.getByTestId('view-submit').click();
    await expect.poll(() => page.getByTestId('ticket-team-queue').inputValue()).toBe('冰箱制冷');
    expect(await page.getByTestId('tickets-search').inputValue()).toBe('');
    await row.waitFor();

    // a macro to use on the ticket
    const macro = await apiFromPage(page, 'POST', '/macros', { name: '上门预约确认', kind: 'public', body: '{{customer.name}}您好，工单 {{ticket.number}} 已安排上门。', actions: { addTags: ['已预约'] } });
    expect(macro.status).toBe(201);
    // keyboard: j picks the first row, Enter opens it. On a cold first run the list may still re-render
    // (view switch, lazy chunks) when the key lands, so wait for it to settle and retry the key press.
    await page.waitForLoadState('networkidle');
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('j');
    await page.getByTestId('tickets-table').locator('[data-active]').waitFor();
    await expect
      .poll(
        async () => {
          if (await page.getByTestId('ticket-page').isVisible()) return true;
          if (await page.getByTestId('tickets-table').locator('[data-active]').count()) await page.keyboard.press('Enter');
          else await page.keyboard.press('j');
          return page.getByTestId('ticket-page').isVisible();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe(true);
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-modal').getByText('Ctrl/⌘ + Enter').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('customer-panel').getByText('王小明').waitFor();

    // internal note (n), then public reply (r), each sent with Ctrl+Enter
    await page.keyboard.press('n');
    await page.getByTestId('reply-body').fill('已联系维修部，安排明天上门。');
    await page.getByTestId('reply-body').pressSequentially(' 请 @');
    await page.getByTestId('mention-option').filter({ hasText: '李秀英' }).click();
    await expect.poll(() => page.getByTestId('reply-body').inputValue()).toBe('已联系维修部，安排明天上门。 请 @李秀英 ');
    await page.getByTestId('reply-body').press('Control+Enter');
    await page.getByTestId('message').filter({ hasText: '已联系维修部' }).waitFor();
    expect(await page.getByTestId('message').filter({ hasText: '已联系维修部' }).getAttribute('data-kind')).toBe('note');
    await page.getByTestId('conversation').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('r');
    await page.getByTestId('reply-body').fill('您好，我们已安排工程师明天上午上门检查，请保持电话畅通。');
    await page.getByTestId('reply-send').click();
    await page.getByTestId('message').filter({ hasText: '保持电话畅通' }).waitFor();
    expect(await page.getByTestId('message').filter({ hasText: '保持电话畅通' }).getAttribute('data-kind')).toBe('public');

    // a macro: rendered reply plus a tag in one step
    await page.getByTestId('macro-menu').click();
    await page.getByTestId('macro-option').filter({ hasText: '上门预约确认' }).click();
    await page.getByTestId('message').filter({ hasText: '王小明您好，工单 T-' }).waitFor();
    await page.getByTestId('ticket-page').getByText('#已预约').waitFor();

    // first response met
    await expect.poll(() => page.getByTestId('sla-first_response').getByTestId('sla-state').textContent()).toBe('已达成');
    await shot(page, 'ticket-conversation-zh');

    // only the allowed transitions are offered; resolve
    await page.getByTestId('status-menu').click();
    await page.getByTestId('status-to-resolved').waitFor();
    expect(await page.getByTestId('status-to-closed').count()).toBe(0);
    await page.getByTestId('status-to-resolved').click();
    await expect.poll(() => page.getByTestId('status-menu').getAttribute('data-status')).toBe('resolved');
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-item').filter({ hasText: '状态变更' }).first().waitFor();
    await shot(page, 'ticket-history-zh');
    expect(agent.problems).toEqual([]);
  });

  it('a stale edit in a second browser shows the conflict and keeps the change; the other tab is updated live', async () => {
    const other = await openPage(browser, baseURL, 'en-US');
    try {
      // this tab gets no live updates (e.g. a proxy drops them), so its copy goes stale
      await other.context.route('**/events/stream', (route) => route.abort());
      await signIn(other.page, 'manager@demo.example');
      await other.page.goto(ticketUrl);
      await other.page.getByTestId('ticket-page').waitFor();
      await agent.page.getByTestId('tab-conversation').click();

      // the agent changes the ticket meanwhile
      const id = ticketUrl.split('/').pop() ?? '';
      const current = (await apiFromPage(agent.page, 'GET', `/tickets/${id}`)).json as { version: number };
      expect((await apiFromPage(agent.page, 'PATCH', `/tickets/${id}`, { version: current.version, tags: ['上门'] })).status).toBe(200);

      await selectOption(other.page, other.page.getByTestId('ticket-fields'), 'field-priority', 'P1 Urgent');
      const alert = other.page.getByTestId('conflict-alert');
      await alert.waitFor();
      expect(await alert.getByTestId('conflict-message').textContent()).toMatch(/Priority/);
      await shot(other.page, 'ticket-conflict-en');
      await alert.getByTestId('conflict-reload').click();
      await alert.getByTestId('conflict-reapply').click();
      await alert.waitFor({ state: 'detached' });
      await other.page.getByTestId('ticket-page').getByText('#上门').waitFor();

      // the agent's page hears about it over SSE
      await agent.page.getByText(/更新了此工单/).waitFor({ timeout: 20_000 });
      await agent.page.getByTestId('ticket-page').getByTestId('priority-badge').getByText('P1').waitFor();
      await shot(agent.page, 'ticket-live-update-zh');

      // dark colour scheme, English
      await other.page.getByTestId('color-scheme-toggle').click();
      await shot(other.page, 'ticket-dark-en');
      await other.page.getByTestId('nav-tickets').click();
      await other.page.getByTestId('ticket-queues').getByText('All', { exact: true }).click();
      await other.page.getByTestId('tickets-table').getByTestId('table-row').first().waitFor();
      await shot(other.page, 'tickets-dark-en');
      await other.page.getByTestId('color-scheme-toggle').click();

      expect(other.problems.filter((p) => !/events\/stream|EventSource/.test(p))).toEqual([]);
    } finally {
      await other.context.close();
    }
  });
});

describe('SLA and calendar administration', () => {
  const ics = (y: number) =>
    ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', `DTSTART;VALUE=DATE:${y}0101`, `DTEND;VALUE=DATE:${y}0102`, 'SUMMARY:元旦', 'END:VEVENT', 'BEGIN:VEVENT', `DTSTART;VALUE=DATE:${y}0206`, `DTEND;VALUE=DATE:${y}0207`, 'SUMMARY:春节调休（班）', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');

  for (const locale of ['en-US', 'zh-CN'] as const) {
    it(`SLA policies and calendars load, an .ics import previews and applies (${locale})`, async () => {
      const admin = await openPage(browser, baseURL, locale);
      const suffix = locale === 'en-US' ? 'en' : 'zh';
      const year = locale === 'en-US' ? 2027 : 2028;
      try {
        const { page } = admin;
        await signIn(page, 'admin@demo.example');
        await page.getByTestId('nav-sla-policies').click();
        await page.getByTestId('sla-policies-table').waitFor();
        expect(await page.getByTestId('sla-row-name').count()).toBeGreaterThan(0);
        await page.getByTestId('sla-edit').first().click();
        await page.getByTestId('sla-name').waitFor();
        await shot(page, `sla-policy-edit-${suffix}`);
        await page.keyboard.press('Escape');
        await shot(page, `sla-policies-${suffix}`);

        await page.getByTestId('nav-calendars').click();
        await page.getByTestId('calendars-table').waitFor();
        await page.getByTestId('calendar-link').filter({ hasText: /./ }).first().click();
        await page.getByTestId('calendar-page').waitFor();
        await page.getByTestId('year-2026').click();
        expect(await page.getByTestId('calendar-day').count()).toBeGreaterThan(10);
        await page.getByTestId('calc-submit').click();
        await page.getByTestId('calc-result').waitFor();
        await shot(page, `calendar-${suffix}`);

        await page.getByTestId('calendar-import').click();
        const modal = page.getByTestId('calendar-import-modal');
        await modal.getByTestId('import-text').fill(ics(year));
        await modal.getByTestId('import-preview').waitFor();
        expect(await modal.getByTestId('import-preview-row').count()).toBeGreaterThanOrEqual(2);
        expect(await modal.getByTestId('import-summary').textContent()).toContain(String(year));
        await shot(page, `calendar-import-preview-${suffix}`);
        await modal.getByTestId('import-submit').click();
        await modal.waitFor({ state: 'hidden' });
        await page.getByTestId(`year-${year}`).click();
        await page.getByTestId('calendar-day').filter({ hasText: `${year}-02-06` }).waitFor();
        expect(admin.problems).toEqual([]);
      } finally {
        await admin.context.close();
      }
    });
  }
});
