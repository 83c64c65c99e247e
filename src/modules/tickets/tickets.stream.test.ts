import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sessionWithRoles, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { quietWorkerLog, startWorker } from '../../platform/jobs/worker.ts';
import { openStreamCount, streamSettings } from './tickets.stream.ts';

let t: TestApp;
let agent: Session;
let other: Session;
let base: string;

beforeAll(async () => {
  streamSettings.pollMs = 200;
  t = await createTestApp();
  agent = await sessionWithRoles(t, ['agent']);
  other = await sessionWithRoles(t, ['agent']);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

interface SseMessage {
  event: string;
  data: Record<string, unknown>;
}

/** Opens the stream with a real HTTP connection and collects parsed messages. */
async function openStream(s: Session, ticketId: string) {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/v1/tickets/${ticketId}/events/stream`, { headers: { cookie: s.cookie, accept: 'text/event-stream' }, signal: ctrl.signal });
  const messages: SseMessage[] = [];
  let buffer = '';
  const reading = (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) messages.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    res,
    messages,
    close: async () => {
      ctrl.abort();
      await reading;
    },
  };
}

async function newTicket(s: Session, subject: string) {
  const res = await s.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject, channel: 'phone' } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; version: number }>();
}

describe('ticket live updates (SSE)', () => {
  it('streams ready, then a ticket message with the new version and who changed it', async () => {
    const tk = await newTicket(agent, '空调漏水');
    const stream = await openStream(agent, tk.id);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await expect.poll(() => stream.messages.map((m) => m.event)).toEqual(['ready']);
    expect(stream.messages[0].data).toMatchObject({ ticketId: tk.id, version: tk.version });
    expect(openStreamCount()).toBe(1);

    const patched = await agent.request({ method: 'PATCH', url: `/api/v1/tickets/${tk.id}`, payload: { version: tk.version, priority: 'p1' } });
    expect(patched.statusCode).toBe(200);
    await expect.poll(() => stream.messages.filter((m) => m.event === 'ticket').length, { timeout: 5000 }).toBe(1);
    const update = stream.messages.find((m) => m.event === 'ticket')!;
    expect(update.data).toMatchObject({ ticketId: tk.id, version: tk.version + 1 });
    expect(typeof update.data.actorName).toBe('string');

    // a note changes no version but is news for the watchers too
    const note = await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'note', body: '已联系客户' } });
    expect(note.statusCode).toBe(201);
    await expect.poll(() => stream.messages.filter((m) => m.event === 'ticket').length, { timeout: 5000 }).toBe(2);

    await stream.close();
    await expect.poll(() => openStreamCount()).toBe(0);
  });

  it('wakes watchers through the outbox subscriber when the worker runs in this process (no poll needed)', async () => {
    const tk = await newTicket(agent, '洗衣机噪音大');
    const before = streamSettings.pollMs;
    streamSettings.pollMs = 3_600_000; // the new watch polls once an hour: only the outbox can wake it
    const stream = await openStream(agent, tk.id);
    streamSettings.pollMs = before;
    const worker = startWorker(t.database, { pollMs: 20, schedules: false, log: quietWorkerLog });
    try {
      await expect.poll(() => stream.messages.map((m) => m.event)).toEqual(['ready']);
      const note = await agent.request({ method: 'POST', url: `/api/v1/tickets/${tk.id}/messages`, payload: { kind: 'note', body: '客户周末在家' } });
      expect(note.statusCode).toBe(201);
      await expect.poll(() => stream.messages.filter((m) => m.event === 'ticket').length, { timeout: 8000 }).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop();
      await stream.close();
    }
  });

  it('is 404 for another tenant’s ticket and 401 without a session', async () => {
    const tk = await newTicket(agent, 'Router reboots');
    const res = await other.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}/events/stream` });
    expect(res.statusCode).toBe(404);
    const anon = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${tk.id}/events/stream` });
    expect(anon.statusCode).toBe(401);
  });

  it('bounds the streams one user may keep open', async () => {
    const tk = await newTicket(agent, '限流测试');
    const before = streamSettings.maxPerUser;
    streamSettings.maxPerUser = 2;
    try {
      const a = await openStream(agent, tk.id);
      const b = await openStream(agent, tk.id);
      const c = await fetch(`${base}/api/v1/tickets/${tk.id}/events/stream`, { headers: { cookie: agent.cookie } });
      expect(c.status).toBe(429);
      await a.close();
      await b.close();
    } finally {
      streamSettings.maxPerUser = before;
    }
  });
});
