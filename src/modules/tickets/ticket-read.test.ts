import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sessionWithRoles, type Session, type TestApp } from '../../platform/http/test-app.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { joinTx } from '../../platform/tenancy/ctx.ts';
import { createCnStandard } from '../../platform/calendar/calendar.service.ts';
import { createDefaultPolicies } from '../sla/index.ts';
import { Ticket, TicketDetail } from './tickets.contract.ts';

/**
 * The ticket page and the lists are JSON text written by PostgreSQL (ticket-json.ts), not zod's encode of
 * objects: what they send must be what zod would have sent, same keys in the same order, nothing more.
 * (Byte for byte but for the inside of JSONB values such as an event's data, which PostgreSQL writes with
 * a space after each colon and comma.)
 */
const sameAsEncoded = (body: string, encoded: unknown) => expect(JSON.stringify(JSON.parse(body))).toBe(JSON.stringify(encoded));
let t: TestApp;
let agent: Session;
beforeAll(async () => {
  t = await createTestApp();
  agent = await sessionWithRoles(t, ['agent']);
  const ctx = agent.user.tenant.ctx;
  await ctx.tx(async (tx) => {
    await createCnStandard(joinTx(ctx, tx));
    await createDefaultPolicies(joinTx(ctx, tx));
  });
});
afterAll(() => t.close());

const TicketPage = page(Ticket);

describe('ticket reads', () => {
  it('sends the ticket page and lists exactly as their response schemas encode them', async () => {
    const withCustomer = (
      await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: '洗衣机漏水', type: 'complaint', tags: ['vip'], customer: { name: '李四', phone: '13900139000' } } })
    ).json();
    const bare = (await agent.request({ method: 'POST', url: '/api/v1/tickets', payload: { subject: 'No customer', customFields: {} } })).json();
    await agent.request({ method: 'POST', url: `/api/v1/tickets/${withCustomer.id}/messages`, payload: { kind: 'note', body: '内部备注' } });
    await agent.request({ method: 'POST', url: `/api/v1/tickets/${withCustomer.id}/messages`, payload: { kind: 'public', body: 'Reply' } });

    for (const id of [withCustomer.id, bare.id]) {
      const res = await agent.request({ method: 'GET', url: `/api/v1/tickets/${id}` });
      expect(res.statusCode).toBe(200);
      sameAsEncoded(res.body, TicketDetail.encode(res.json()));
    }
    const detail = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${withCustomer.id}` })).json();
    expect(detail.messages).toHaveLength(2);
    expect(detail.customerName).toBe('李四');
    expect(detail.sla.policyName).toContain('Complaints');

    for (const url of ['/api/v1/tickets', '/api/v1/tickets?sort=sla_due&status=new', '/api/v1/tickets?q=洗衣机', '/api/v1/tickets?limit=1']) {
      const res = await agent.request({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(JSON.stringify(TicketPage.encode(res.json()))); // list rows hold no JSONB but custom fields, {} here
    }
  });

  it('lists carry the customer and policy names the ticket page shows', async () => {
    const list = (await agent.request({ method: 'GET', url: '/api/v1/tickets?limit=200' })).json();
    expect(list.items.length).toBeGreaterThan(1);
    for (const item of list.items) {
      const detail = (await agent.request({ method: 'GET', url: `/api/v1/tickets/${item.id}` })).json();
      const { messages: _m, events: _e, ...asListed } = detail;
      expect(item).toEqual(asListed);
    }
    const named = list.items.find((i: { customerName: string | null }) => i.customerName === '李四');
    expect(named?.sla.policyName).toContain('Complaints');
    expect(list.items.find((i: { subject: string }) => i.subject === 'No customer')?.customerName).toBeNull();
  });
});
