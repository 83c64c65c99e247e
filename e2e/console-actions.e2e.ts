import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
let browser: Browser;
let agent: TestPage;
let manager: TestPage;
const tag = `ca${Date.now().toString(36)}`;

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

interface T {
  id: string;
  number: string;
  version: number;
  assigneeId: string | null;
}
const newTicket = async (page: Page, subject: string) => {
  const res = await api<T>(page, 'POST', '/tickets', { subject, description: `${subject}（描述）`, channel: 'phone', customer: { name: '陈女士', phone: '13700001111' } });
  expect(res.status).toBe(201);
  return res.json;
};

beforeAll(async () => {
  browser = await launchBrowser();
  agent = await openPage(browser, baseURL, 'zh-CN');
  await signIn(agent.page, 'agent@demo.example');
  manager = await openPage(browser, baseURL, 'en-US');
  await signIn(manager.page, 'manager@demo.example');
});

afterAll(async () => {
  await agent?.context.close();
  await manager?.context.close();
  await browser?.close();
});

describe('agent console actions', () => {
  it('merges a ticket into another and sees the merge in both histories', async () => {
    const { page } = agent;
    const source = await newTicket(page, `${tag} 洗衣机漏水（重复来电）`);
    const target = await newTicket(page, `${tag} 洗衣机漏水`);
    expect((await api(page, 'POST', `/tickets/${source.id}/messages`, { kind: 'public', body: '请问师傅什么时候上门？' })).status).toBe(201);
    await page.goto(`/tickets/${source.id}`);
    await page.getByTestId('ticket-page').waitFor();
    await page.getByTestId('ticket-actions').click();
    await page.getByTestId('action-merge').click();
    const dialog = page.getByTestId('merge-modal');
    await dialog.getByTestId('merge-target').fill(target.number);
    await expect.poll(() => page.getByRole('option').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('option', { name: new RegExp(target.number) }).click();
    // before confirming, the dialog says that history is kept and the customer is told
    const summary = dialog.getByTestId('merge-summary');
    await summary.getByText('历史记录都会保留', { exact: false }).waitFor();
    await summary.getByText('告知客户', { exact: false }).waitFor();
    await shot(page, 'ticket-merge-zh');
    await dialog.getByTestId('merge-confirm').click();

    await page.getByTestId('merged-banner').waitFor();
    expect(await page.getByTestId('status-menu').getAttribute('data-status')).toBe('closed');
    expect(await page.getByTestId('ticket-actions').isDisabled()).toBe(true);
    await page.getByTestId('tab-history').click();
    await page.locator('[data-testid="history-item"][data-type="merged_into"]').getByText(`已合并到 ${target.number}`).waitFor();

    // the target got the conversation and records where it came from
    await page.getByTestId('merged-target').click();
    await page.waitForURL(`**/tickets/${target.id}`);
    await page.getByTestId('message-body').filter({ hasText: '请问师傅什么时候上门？' }).waitFor();
    await page.getByTestId('links-panel').locator('[data-testid="link-row"][data-kind="duplicate"]').getByText(source.number).waitFor();
    await page.getByTestId('tab-history').click();
    await page.locator('[data-testid="history-item"][data-type="merged_from"]').getByText(source.number, { exact: false }).waitFor();
    await shot(page, 'ticket-merge-history-zh');
  });

  it('bulk-assigns two tickets from the queue', async () => {
    const { page } = agent;
    const a = await newTicket(page, `${tag}bulk 批量一 空调异响`);
    const b = await newTicket(page, `${tag}bulk 批量二 空调异响`);
    const users = await api<{ items: { id: string; name: string; email: string }[] }>(page, 'GET', '/users?q=manager%40demo');
    const boss = users.json.items.find((u) => u.email === 'manager@demo.example')!;
    await page.goto('/tickets?view=all');
    await page.getByTestId('tickets-table').waitFor();
    await page.getByTestId('tickets-search').fill(`${tag}bulk`);
    const rows = page.getByTestId('tickets-table').getByTestId('table-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    await page.getByTestId('select-page').click();
    await expect.poll(() => page.getByTestId('bulk-count').textContent(), { timeout: 15_000 }).toContain('2');
    await page.getByTestId('bulk-assign').click();
    await page.getByRole('option', { name: boss.name }).first().click();
    await page.getByText('已修改 2 张工单。').waitFor();
    for (const t of [a, b]) await expect.poll(async () => (await api<T>(page, 'GET', `/tickets/${t.id}`)).json.assigneeId, { timeout: 15_000 }).toBe(boss.id);
    await expect.poll(() => rows.filter({ hasText: boss.name }).count(), { timeout: 15_000 }).toBe(2);
    await shot(page, 'tickets-bulk-assign-zh');
  });

  it('splits a message into a new ticket, links and unlinks a parent, escalates to L2 and hands back', async () => {
    const { page } = agent;
    const teams = (await api<{ items: { id: string; name: string }[] }>(page, 'GET', '/teams?limit=50')).json.items;
    const l1 = teams.find((x) => x.name.includes('L1'))!;
    const l2 = teams.find((x) => x.name.includes('L2'))!;
    const res = await api<T>(page, 'POST', '/tickets', { subject: `${tag} 冰箱不制冷`, channel: 'phone', teamId: l1.id, customer: { name: '陈女士', phone: '13700001111' } });
    const tk = res.json;
    for (const body of ['冰箱冷藏室不制冷，已安排检查。', '客户补充：洗衣机也在漏水。']) expect((await api(page, 'POST', `/tickets/${tk.id}/messages`, { kind: 'public', body })).status).toBe(201);
    const parent = await newTicket(page, `${tag} 陈女士家电总览`);
    await page.goto(`/tickets/${tk.id}`);
    await page.getByTestId('ticket-page').waitFor();

    // split the washing-machine message off
    await page.getByTestId('ticket-actions').click();
    await page.getByTestId('action-split').click();
    const split = page.getByTestId('split-modal');
    await split.getByText('客户补充：洗衣机也在漏水。', { exact: false }).click();
    await split.getByTestId('split-subject').fill(`${tag} 洗衣机漏水`);
    await split.getByTestId('split-confirm').click();
    const links = page.getByTestId('links-panel');
    await links.locator('[data-testid="link-row"][data-kind="related"]').getByText(`${tag} 洗衣机漏水`).waitFor();
    await expect.poll(() => page.getByTestId('message-body').filter({ hasText: '洗衣机' }).count(), { timeout: 15_000 }).toBe(0);

    // link a parent ticket, then remove the link (once the split's toast is gone: it covers the picker's options)
    await expect.poll(() => page.locator('.mantine-Notification-root').count(), { timeout: 30_000 }).toBe(0);
    await links.getByTestId('link-add').click();
    await links.getByTestId('link-kind').click();
    await page.getByRole('option', { name: '父工单' }).click();
    await links.getByTestId('link-target').fill(parent.number);
    // the picker shows recent tickets first; wait until the search by number has answered
    await expect.poll(() => page.getByRole('option').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('option', { name: new RegExp(parent.number) }).click();
    await links.getByTestId('link-save').click();
    const parentRow = links.locator('[data-testid="link-row"][data-kind="parent"]').filter({ hasText: parent.number });
    await parentRow.waitFor();
    await shot(page, 'ticket-links-zh');
    const fromParent = await api<{ ticketId: string; kind: string }[]>(page, 'GET', `/tickets/${parent.id}/links`);
    expect(fromParent.json).toEqual([expect.objectContaining({ ticketId: tk.id, kind: 'child' })]);
    await parentRow.getByTestId('link-remove').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => parentRow.count(), { timeout: 15_000 }).toBe(0);

    // escalate to L2 with a reason, then hand back
    await page.getByTestId('ticket-actions').click();
    expect(await page.getByTestId('action-hand-back').isDisabled()).toBe(true);
    await page.getByTestId('action-escalate').click();
    const esc = page.getByTestId('escalate-modal');
    await esc.getByTestId('escalate-team').click();
    await page.getByRole('option', { name: l2.name }).click();
    await esc.getByTestId('escalate-confirm').click();
    await esc.getByText('必填', { exact: false }).first().waitFor();
    await esc.getByTestId('escalate-reason').fill('需要远程诊断压缩机');
    await esc.getByTestId('escalate-confirm').click();
    await expect.poll(async () => (await api<{ teamId: string }>(page, 'GET', `/tickets/${tk.id}`)).json.teamId, { timeout: 15_000 }).toBe(l2.id);
    await page.getByTestId('tab-history').click();
    await page.locator('[data-testid="history-item"][data-type="escalated"]').getByText('需要远程诊断压缩机', { exact: false }).waitFor();
    await page.getByTestId('ticket-actions').click();
    await page.getByTestId('action-hand-back').click();
    await esc.getByTestId('escalate-reason').fill('已远程给出方案');
    await esc.getByTestId('escalate-confirm').click();
    await expect.poll(async () => (await api<{ teamId: string }>(page, 'GET', `/tickets/${tk.id}`)).json.teamId, { timeout: 15_000 }).toBe(l1.id);
    await page.locator('[data-testid="history-item"][data-type="handed_back"]').waitFor();
  });

  it('shows a notification after being @mentioned by another user, linking to the ticket', async () => {
    const { page } = agent;
    const tk = await newTicket(manager.page, `${tag} 热水器报错 E3`);
    const before = (await api<{ unreadCount: number }>(page, 'GET', '/notifications')).json.unreadCount;
    expect((await api(manager.page, 'POST', `/tickets/${tk.id}/messages`, { kind: 'note', body: '@agent 请帮忙看一下这个报错' })).status).toBe(201);
    // the outbox worker turns the mention into a notification; the bell polls, a reload asks at once
    await expect.poll(async () => (await api<{ unreadCount: number }>(page, 'GET', '/notifications')).json.unreadCount, { timeout: 20_000 }).toBe(before + 1);
    await page.reload();
    await expect.poll(async () => Number(await page.getByTestId('notification-badge').getAttribute('data-count')), { timeout: 15_000 }).toBe(before + 1);
    await page.getByTestId('notification-bell').click();
    const item = page.getByTestId('notification-drawer').locator('[data-testid="notification-item"][data-kind="ticket.mentioned"]').filter({ hasText: tk.number });
    await item.getByText(`在 ${tk.number} 中提到了你`, { exact: false }).waitFor();
    expect(await item.getAttribute('data-read')).toBe('false');
    await shot(page, 'notifications-drawer-zh');
    await item.click();
    await page.waitForURL(`**/tickets/${tk.id}`);
    await expect.poll(async () => Number(await page.getByTestId('notification-badge').getAttribute('data-count')), { timeout: 15_000 }).toBe(before);
    // the manager who wrote the note has no notification for it, and cannot mark the agent's
    const theirs = (await api<{ items: { id: string; entityId: string }[] }>(manager.page, 'GET', '/notifications')).json.items;
    expect(theirs.filter((n) => n.entityId === tk.id)).toEqual([]);
    const mine = (await api<{ items: { id: string; entityId: string }[] }>(page, 'GET', '/notifications')).json.items.find((n) => n.entityId === tk.id)!;
    expect((await api(manager.page, 'POST', `/notifications/${mine.id}/read`)).status).toBe(404);
    expect(agent.problems).toEqual([]);
  });
});
