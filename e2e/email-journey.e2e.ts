import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
const smtpPort = inject('smtpPort');
let browser: Browser;
let agent: TestPage;

const customer = { name: '周女士', address: 'zhou.e2e@example.cn' };
const mail = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });

/** GET from the API as the signed-in agent. */
async function api<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(`/api/v1${p}`)).json(), path) as Promise<T>;
}

interface OutboxItem {
  kind: string;
  ticketId: string | null;
  toAddress: string;
  subject: string;
  messageId: string;
}

async function outboxFor(page: Page, ticketId: string): Promise<OutboxItem[]> {
  const res = await api<{ items: OutboxItem[] }>(page, '/mail/outbox?limit=50');
  return res.items.filter((m) => m.ticketId === ticketId);
}

beforeAll(async () => {
  browser = await launchBrowser();
  agent = await openPage(browser, baseURL, 'zh-CN');
  // its own organisation, so the other console tests' queues do not see this ticket
  await signIn(agent.page, 'agent@small.example', { tenant: 'small' });
});

afterAll(async () => {
  await agent?.context.close();
  await browser?.close();
  mail.close();
});

describe('the e-mail journey', () => {
  it('a customer e-mail becomes a ticket with an auto-reply; the agent answers in the browser; the reply threads; resolved with the SLA met', async () => {
    const { page } = agent;
    // 1. the customer writes in over real SMTP on loopback
    const sent = await mail.sendMail({ from: `"${customer.name}" <${customer.address}>`, to: 'support@small.localhost', subject: '烤箱加热不均匀', text: '您好，烤箱上层很烫，下层几乎不热。型号 KX-30。' });
    expect(sent.response).toMatch(/^250/);

    // 2. it becomes a ticket (found by a two-character word of the subject) with an auto-reply in the outbox
    let ticket: { id: string; number: string } | undefined;
    await expect
      .poll(async () => {
        ticket = (await api<{ items: { id: string; number: string; subject: string }[] }>(page, `/tickets?q=${encodeURIComponent('加热')}`)).items.find((t) => t.subject === '烤箱加热不均匀');
        return !!ticket;
      }, { timeout: 20_000 })
      .toBe(true);
    const id = ticket!.id;
    await expect.poll(async () => (await outboxFor(page, id)).map((m) => m.kind), { timeout: 20_000 }).toContain('auto_reply');
    const autoReply = (await outboxFor(page, id)).find((m) => m.kind === 'auto_reply')!;
    expect(autoReply.toAddress).toBe(customer.address);
    expect(autoReply.subject).toContain(ticket!.number);

    // 3. the agent opens it and answers in the browser
    await page.goto(`/tickets/${id}`);
    await page.getByTestId('ticket-page').waitFor();
    await page.getByTestId('customer-panel').getByText(customer.name).waitFor();
    await page.getByTestId('reply-body').fill('周女士您好，请先确认烤箱背部风扇是否转动，我们也可以安排上门检测。');
    await page.getByTestId('reply-send').click();
    await page.getByTestId('message').filter({ hasText: '风扇是否转动' }).waitFor();
    await expect.poll(() => page.getByTestId('sla-first_response').getByTestId('sla-state').textContent()).toBe('已达成');

    // 4. the answer leaves by mail, and the customer's reply to it threads onto the same ticket
    await expect.poll(async () => (await outboxFor(page, id)).filter((m) => m.kind !== 'auto_reply').length, { timeout: 20_000 }).toBe(1);
    const answer = (await outboxFor(page, id)).find((m) => m.kind !== 'auto_reply')!;
    expect(answer.subject).toContain(ticket!.number);
    await mail.sendMail({
      from: `"${customer.name}" <${customer.address}>`,
      to: 'support@small.localhost',
      subject: `Re: ${answer.subject}`,
      text: '风扇不转，请安排上门。',
      inReplyTo: `<${answer.messageId}>`,
      references: [`<${answer.messageId}>`],
    });
    await page.getByTestId('message').filter({ hasText: '风扇不转，请安排上门' }).waitFor({ timeout: 20_000 });
    const found = (await api<{ items: { id: string }[] }>(page, `/tickets?q=${encodeURIComponent('烤箱')}`)).items;
    expect(found.map((t) => t.id)).toEqual([id]);

    // 5. the agent resolves it; the first-response target stays met
    await page.getByTestId('status-menu').click();
    await page.getByTestId('status-to-resolved').click();
    await expect.poll(() => page.getByTestId('status-menu').getAttribute('data-status')).toBe('resolved');
    await expect.poll(() => page.getByTestId('sla-first_response').getByTestId('sla-state').textContent()).toBe('已达成');
    await shot(page, 'email-journey-resolved-zh');
    expect(agent.problems).toEqual([]);
  });
});
