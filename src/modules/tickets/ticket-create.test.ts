import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTenant, createTestApp, sessionWithRoles, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { rows } from '../../platform/db/db.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';
import { createCnStandard } from '../../platform/calendar/calendar.service.ts';
import { createDefaultPolicies } from '../sla/index.ts';

/**
 * The create path's shortcuts: settings kept per tenant and generation, the customer looked up with the
 * number, and the ticket written with its history in one statement. Each test changes what a shortcut
 * could get wrong: settings written behind the service's back, another tenant's settings, a customer the
 * create must make first.
 */
let t: TestApp;
let agent: Session;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  const tenant = await createTenant(t.database);
  agent = await sessionWithRoles(t, ['agent'], tenant);
  admin = await sessionWithRoles(t, ['admin'], tenant);
  const ctx = tenant.ctx;
  await ctx.tx(async (tx) => {
    await createCnStandard(joinTx(ctx, tx));
    await createDefaultPolicies(joinTx(ctx, tx));
  });
});
afterAll(() => t.close());

const create = (s: Session, body: object) => s.request({ method: 'POST', url: '/api/v1/tickets', payload: body });
const repair = (email: string, extra: object = {}) => ({ subject: '压缩机异响 compressor noise', type: 'repair', priority: 'p3', channel: 'api', customer: { email }, ...extra });

describe('ticket create', () => {
  it('writes the created event, the audit row, the domain event and the SLA checks with the ticket', async () => {
    await create(agent, repair('history@example.cn')); // the customer exists from here on
    const res = await create(agent, repair('history@example.cn'));
    expect(res.statusCode).toBe(201);
    const tk = res.json();
    expect(tk.status).toBe('new');
    expect(tk.customerName).toBe('history@example.cn');
    expect(tk.sla.policyName).toContain('Repairs');
    const got = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${tk.id}` })).json();
    const { messages: _m, events, ...detail } = got;
    expect(detail).toEqual(tk);
    expect(events.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([['created', { channel: 'api', status: 'new', sla: tk.sla.policyName }]]);
    const [audit] = await rows<{ after: unknown; actor_name: string }>(t.database.db, sql`select after, actor_name from audit_log where entity_type = 'ticket' and entity_id = ${tk.id} and action = 'created'`);
    expect(audit.after).toEqual(tk);
    expect(audit.actor_name).toBe(events[0].actorName);
    const outbox = await rows<{ type: string; payload: { id: string } }>(t.database.db, sql`select type, payload from outbox_events where entity_id = ${tk.id}`);
    expect(outbox.map((o) => [o.type, o.payload.id])).toEqual([['ticket.created', tk.id]]);
    const jobs = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from jobs where name = 'tickets.sla_check' and payload->>'ticketId' = ${tk.id}`);
    expect(jobs[0].n).toBe(4);
    const found = (await agent.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('压缩')}` })).json();
    expect(found.items.map((i: { id: string }) => i.id)).toContain(tk.id);
  });

  it('makes a new customer and attaches a new identity in the transaction, and finds them afterwards', async () => {
    const first = (await create(agent, repair('new.one@example.cn'))).json();
    const second = (await create(agent, { ...repair('new.one@example.cn'), customer: { email: 'new.one@example.cn', phone: '13900139000' } })).json();
    const third = (await create(agent, { ...repair('x@example.cn'), customer: { phone: '139 0013 9000' } })).json();
    expect(second.customerId).toBe(first.customerId);
    expect(third.customerId).toBe(first.customerId);
    const customers = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from audit_log where entity_type = 'customer' and entity_id = ${first.customerId} and action = 'created'`);
    expect(customers[0].n).toBe(1);
  });

  it('follows SLA policy changes at once, also when they are written straight into the table', async () => {
    const before = (await create(agent, repair('sla@example.cn'))).json();
    expect(before.sla.policyName).toContain('Repairs');
    // as another process or a script would: no service call, only the table
    await t.database.db.execute(sql`update sla_policies set active = false where tenant_id = ${agent.user.tenant.id} and name like '%Repairs%'`);
    const after = (await create(agent, repair('sla@example.cn'))).json();
    expect(after.sla.policyName).toContain('Default');
    await t.database.db.execute(sql`update sla_policies set active = true where tenant_id = ${agent.user.tenant.id} and name like '%Repairs%'`);
    expect((await create(agent, repair('sla@example.cn'))).json().sla.policyName).toContain('Repairs');
  });

  it('checks custom fields against the definitions of the moment, in both directions', async () => {
    const withField = repair('fields@example.cn', { customFields: { warrantyCard: 'W-1' } });
    expect((await create(agent, withField)).statusCode).toBe(422); // no such field yet
    const def = await admin.request({
      method: 'POST',
      url: '/api/v1/ticket-fields',
      payload: { key: 'warrantyCard', labelZh: '保修卡', labelEn: 'Warranty card', fieldType: 'text', options: [], required: true, ticketTypes: ['repair'], position: 5, active: true },
    });
    expect(def.statusCode).toBe(201);
    expect((await create(agent, withField)).statusCode).toBe(201);
    expect((await create(agent, repair('fields@example.cn'))).statusCode).toBe(422); // now required
    await t.database.db.execute(sql`delete from ticket_field_defs where tenant_id = ${agent.user.tenant.id} and key = 'warrantyCard'`);
    expect((await create(agent, repair('fields@example.cn'))).statusCode).toBe(201);
  });

  it("keeps each tenant's settings to itself", async () => {
    const other = await createTenant(t.database);
    await other.ctx.tx(async (tx) => {
      await createCnStandard(joinTx(other.ctx, tx));
      await createDefaultPolicies(joinTx(other.ctx, tx));
    });
    await t.database.db.execute(sql`update sla_policies set active = false where tenant_id = ${other.id}`);
    const otherAgent = await sessionWithRoles(t, ['agent'], other);
    const mine = (await create(agent, repair('tenants@example.cn'))).json();
    const theirs = (await create(otherAgent, repair('tenants@example.cn'))).json();
    expect(mine.sla.policyName).toContain('Repairs');
    expect(theirs.sla.policyId).toBeNull();
    expect(theirs.customerId).not.toBe(mine.customerId);
    expect((await create(agent, repair('tenants@example.cn'))).json().sla.policyName).toContain('Repairs');
  });
});
