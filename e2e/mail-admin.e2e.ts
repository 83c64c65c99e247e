import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, shot, signIn, type TestPage } from './support/browser.ts';

const baseURL = inject('baseURL');
const smtpPort = inject('smtpPort');
let browser: Browser;
let admin: TestPage;
let agent: TestPage;

const mail = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
// unique per run: the small organisation's data is shared with the other browser tests
const subject = `Dryer smells burnt ${Date.now().toString(36)}`;

async function api<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(`/api/v1${p}`)).json(), path) as Promise<T>;
}

const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

interface OutboxItem {
  id: string;
  kind: string;
  ticketId: string | null;
  subject: string;
}

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await openPage(browser, baseURL, 'en-US');
  agent = await openPage(browser, baseURL, 'zh-CN');
  await signIn(admin.page, 'admin@small.example', { tenant: 'small' });
  await signIn(agent.page, 'agent@small.example', { tenant: 'small' });
});

afterAll(async () => {
  await admin?.context.close();
  await agent?.context.close();
  await browser?.close();
  mail.close();
});

describe('mail administration', () => {
  it('the admin reads the auto-reply of a mailed-in ticket in the outbox and finds the mail in the inbound log; the agent replies with a file', async () => {
    const sent = await mail.sendMail({ from: '"Gao Min" <gao.min.e2e@example.cn>', to: 'support@small.localhost', subject, text: 'The dryer smells burnt after ten minutes.' });
    expect(sent.response).toMatch(/^250/);

    // the auto-reply appears in the outbox
    const { page } = admin;
    let auto: OutboxItem | undefined;
    await expect
      .poll(async () => {
        auto = (await api<{ items: OutboxItem[] }>(page, '/mail/outbox?limit=100')).items.find((m) => m.kind === 'auto_reply' && m.subject.includes(subject));
        return !!auto;
      }, { timeout: 30_000 })
      .toBe(true);
    const ticketId = auto!.ticketId!;
    const ticket = await api<{ number: string }>(page, `/tickets/${ticketId}`);

    // 1. outbox: list → the mail as the customer got it (HTML in a sandboxed frame, plain text, source)
    await page.getByTestId('nav-mail-outbox').click();
    await page.getByTestId('mail-outbox-page').waitFor();
    await page.getByTestId('outbox-subject').filter({ hasText: subject }).first().click();
    const drawer = page.getByTestId('mail-drawer');
    await expect.poll(() => drawer.getByTestId('mail-subject').textContent()).toContain(ticket.number);
    expect(await drawer.getByTestId('mail-html').getAttribute('sandbox')).toBe('');
    await page.frameLocator('[data-testid="mail-html"]').getByText(`has been registered as ticket ${ticket.number}`).waitFor();
    await shot(page, 'mail-outbox-auto-reply-en');
    await drawer.getByTestId('mail-tab-raw').click();
    await expect.poll(() => drawer.getByTestId('mail-raw').textContent()).toMatch(/Auto-Submitted: auto-replied/);
    await page.keyboard.press('Escape');

    // 2. inbound log: the customer's mail, processed, with its sender checks
    await page.getByTestId('nav-mail-channels').click();
    await page.getByTestId('mail-settings-form').waitFor();
    await page.getByTestId('mail-tab-inbound').click();
    const row = page.getByRole('row').filter({ hasText: subject });
    await row.getByTestId('mail-status').filter({ hasText: 'Processed' }).waitFor();
    await row.getByTestId('auth-spf').or(row.getByText('not checked')).first().waitFor();
    await shot(page, 'mail-inbound-log-en');

    // 3. the agent answers with a file attached; it leaves as a mail attachment
    const a = agent.page;
    await a.goto(`/tickets/${ticketId}`);
    await a.getByTestId('ticket-page').waitFor();
    await a.getByTestId('reply-body').fill('高先生您好，请按附件中的步骤清理烘干机滤网。');
    await a.getByTestId('reply-file-input').setInputFiles({ name: '清理步骤.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% steps\n') });
    await a.locator('[data-testid="reply-file"][data-uploaded="true"]').filter({ hasText: '清理步骤.pdf' }).waitFor();
    await a.getByTestId('reply-send').click();
    await a.getByTestId('message').filter({ hasText: '清理烘干机滤网' }).waitFor({ timeout: 20_000 });
    // the reply shows its file in the conversation as customer mail does: name, size, a download link
    const sentFile = a.getByTestId('message').filter({ hasText: '清理烘干机滤网' }).getByTestId('message-attachment').filter({ hasText: '清理步骤.pdf' });
    await sentFile.waitFor();
    expect(await sentFile.getByTestId('attachment-size').textContent()).toBe('17 B');
    const href = await sentFile.getAttribute('href');
    expect(href).toMatch(/^\/api\/v1\/files\/[0-9a-f-]{36}$/);
    expect(await a.evaluate(async (u) => (await fetch(u)).text(), href!)).toBe('%PDF-1.4\n% steps\n');
    await expect.poll(async () => (await api<{ items: OutboxItem[] }>(a, `/mail/outbox?ticketId=${ticketId}`)).items.filter((m) => m.kind === 'reply').length, { timeout: 30_000 }).toBe(1);
    const reply = (await api<{ items: OutboxItem[] }>(a, `/mail/outbox?ticketId=${ticketId}`)).items.find((m) => m.kind === 'reply')!;
    const detail = await api<{ subject: string; text: string; html: string; attachments: { filename: string }[]; raw: string }>(a, `/mail/outbox/${reply.id}`);
    expect(detail.subject).toContain(`[${ticket.number}]`);
    expect(detail.attachments.map((f) => f.filename)).toEqual(['清理步骤.pdf']);
    expect(detail.raw).toMatch(/multipart\/alternative/);
    expect(detail.html).toContain('清理烘干机滤网');
    await shot(a, 'mail-reply-with-file-zh');

    // an internal note with a picture: listed and previewed in the conversation, and not mailed
    await a.getByTestId('reply-kind').getByText('内部备注').click();
    await a.getByTestId('reply-body').fill('滤网照片见附件（内部）');
    await a.getByTestId('reply-file-input').setInputFiles({ name: 'filter.png', mimeType: 'image/png', buffer: Buffer.from(ONE_PIXEL_PNG, 'base64') });
    await a.locator('[data-testid="reply-file"][data-uploaded="true"]').filter({ hasText: 'filter.png' }).waitFor();
    await a.getByTestId('reply-send').click();
    const note = a.locator('[data-testid="message"][data-kind="note"]').filter({ hasText: '滤网照片见附件' });
    await note.getByTestId('message-attachment').filter({ hasText: 'filter.png' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => note.getByTestId('attachment-preview').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    await shot(a, 'ticket-note-with-picture-zh');
    expect((await api<{ items: OutboxItem[] }>(a, `/mail/outbox?ticketId=${ticketId}`)).items.filter((m) => m.kind === 'reply')).toHaveLength(1);

    // the admin sees that reply with its attachment in the outbox viewer
    await page.getByTestId('nav-mail-outbox').click();
    await page.getByTestId('outbox-subject').filter({ hasText: `Re: ${subject}` }).first().click();
    await page.getByTestId('mail-drawer').getByTestId('mail-attachment').filter({ hasText: '清理步骤.pdf' }).waitFor();
    expect(admin.problems).toEqual([]);
    expect(agent.problems).toEqual([]);
  });
});
