import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, createUser, sessionWithRoles, signIn, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { quietWorkerLog, startWorker, type Worker } from '../../platform/jobs/worker.ts';
import { waitFor } from '../../platform/jobs/testing.ts';
import '../../jobs.ts';

/**
 * A ticket is found by its customer's current name, phones and e-mails: renames, identities added and
 * customers merged reach the tickets' search text through the customer events (ticket-text.jobs.ts).
 */
let t: TestApp;
let agent: Session;
let manager: Session;
let outsider: Session;
let worker: Worker;
beforeAll(async () => {
  t = await createTestApp();
  const tenant = await createTenant(t.database);
  agent = await signIn(t.app, await createUser(t.database, tenant, ['agent']));
  manager = await signIn(t.app, await createUser(t.database, tenant, ['manager']));
  outsider = await sessionWithRoles(t, ['admin'], await createTenant(t.database));
  worker = startWorker(t.database, { pollMs: 20, schedules: false, log: quietWorkerLog });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

const found = async (s: Session, q: string): Promise<string[]> =>
  (await s.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent(q)}` })).json().items.map((x: { id: string }) => x.id);
const foundSoon = (s: Session, q: string, id: string) => waitFor(async () => (await found(s, q)).includes(id), `a search for "${q}" to find the ticket`);

describe("tickets found by their customer's current details", () => {
  it('follows a rename and a new phone number of the customer', async () => {
    const tk = (await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '热水器不点火', customer: { name: '微信用户', email: 'wx.user@example.cn' } } })).json();
    expect(await found(agent, '微信用户')).toContain(tk.id);
    const customer = (await manager.request({ method: 'GET', url: `/api/v1/customers/${tk.customerId}` })).json();
    const renamed = await manager.request({ method: 'PATCH', url: `/api/v1/customers/${tk.customerId}`, payload: { version: customer.version, name: '欧阳明' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    await foundSoon(agent, '欧阳明', tk.id);
    expect(await found(agent, '微信用户')).not.toContain(tk.id);
    const added = await manager.request({ method: 'POST', url: `/api/v1/customers/${tk.customerId}/identities`, payload: { kind: 'phone', value: '+86 139-1234-0077' } });
    expect(added.statusCode, added.body).toBe(200);
    await foundSoon(agent, '13912340077', tk.id);
    // another organisation never finds it
    expect(await found(outsider, '欧阳明')).toEqual([]);
  });

  it("finds a merged customer's tickets by the surviving customer's name", async () => {
    const keep = (await manager.request({ method: 'POST', url: '/api/v1/customers', payload: { name: '司马光', phones: ['13912340088'] } })).json();
    const tk = (await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '洗碗机漏水', customer: { name: '光哥', email: 'guang@example.cn' } } })).json();
    const gone = (await manager.request({ method: 'GET', url: `/api/v1/customers/${tk.customerId}` })).json();
    const merged = await manager.request({ method: 'POST', url: `/api/v1/customers/${keep.id}/merge`, payload: { mergeId: gone.id, version: keep.version } });
    expect(merged.statusCode, merged.body).toBe(200);
    await foundSoon(agent, '司马光', tk.id);
    await foundSoon(agent, '13912340088', tk.id);
  });
});
