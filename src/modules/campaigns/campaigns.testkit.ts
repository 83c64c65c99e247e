import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/db.ts';
import { rows } from '../../platform/db/db.ts';
import type { TestTenant } from '../../platform/http/test-app.ts';
import { customers } from '../customers/index.ts';
import { campaigns, campaignTemplates, campaignMessages } from './campaigns.schema.ts';
import type { CampaignSchedule, TemplateBodies } from './campaigns.contract.ts';

/** Test helpers: customers with contact details and consents, campaigns in a given state, the delivery log. */
export interface TestCustomer {
  name: string;
  birthday?: string | null;
  language?: 'zh-CN' | 'en';
  email?: string | null;
  phone?: string | null;
  consents?: ('email' | 'sms' | 'phone')[];
  withdrawn?: ('email' | 'sms')[];
}

export async function addCustomer(database: Database, tenant: TestTenant, c: TestCustomer): Promise<string> {
  const [row] = await database.db
    .insert(customers)
    .values({ tenantId: tenant.id, name: c.name, birthday: c.birthday ?? null, language: c.language ?? 'zh-CN' })
    .returning({ id: customers.id });
  if (c.email) await database.db.execute(sql`insert into customer_identities (tenant_id, kind, value, customer_id) values (${tenant.id}, 'email', ${c.email}, ${row.id})`);
  if (c.phone) await database.db.execute(sql`insert into customer_identities (tenant_id, kind, value, customer_id) values (${tenant.id}, 'phone', ${c.phone}, ${row.id})`);
  for (const ch of c.consents ?? []) await database.db.execute(sql`insert into customer_consents (tenant_id, customer_id, channel, granted, source) values (${tenant.id}, ${row.id}, ${ch}, true, 'form')`);
  for (const ch of c.withdrawn ?? []) await database.db.execute(sql`insert into customer_consents (tenant_id, customer_id, channel, granted, source) values (${tenant.id}, ${row.id}, ${ch}, false, 'agent')`);
  return row.id;
}

export const greetingBodies: TemplateBodies = {
  'zh-CN': { subject: '{{customerName}}，生日快乐', text: '亲爱的{{customerName}}，祝您生日快乐！退订：{{unsubscribeUrl}}', html: '<p>亲爱的{{customerName}}，<a href="https://shop.example/gift">领取礼品</a> <a href="{{unsubscribeUrl}}">退订</a></p>' },
  en: { subject: 'Happy birthday, {{customerName}}', text: 'Dear {{customerName}}, happy birthday! Unsubscribe: {{unsubscribeUrl}}', html: null },
};

export async function addCampaign(
  database: Database,
  tenant: TestTenant,
  c: { channel: 'email' | 'sms' | 'call'; schedule: CampaignSchedule; bodies?: TemplateBodies; status?: string; segmentId?: string | null; smsTemplateId?: string },
): Promise<{ campaignId: string; templateId: string | null }> {
  let templateId: string | null = null;
  if (c.channel !== 'call') {
    const [t] = await database.db
      .insert(campaignTemplates)
      .values({ tenantId: tenant.id, name: 'T', channel: c.channel, bodies: c.bodies ?? greetingBodies, smsTemplateId: c.smsTemplateId ?? null })
      .returning();
    templateId = t.id;
  }
  const [row] = await database.db
    .insert(campaigns)
    .values({ tenantId: tenant.id, name: `${c.schedule.kind} campaign`, kind: c.schedule.kind, status: c.status ?? 'active', channel: c.channel, templateId, segmentId: c.segmentId ?? null, schedule: c.schedule })
    .returning();
  return { campaignId: row.id, templateId };
}

export type MessageRow = typeof campaignMessages.$inferSelect;

export async function messagesOf(database: Database, tenantId: string, campaignId: string): Promise<MessageRow[]> {
  return database.db.select().from(campaignMessages).where(sql`${campaignMessages.tenantId} = ${tenantId} and ${campaignMessages.campaignId} = ${campaignId}`);
}

export async function sendJobs(database: Database, tenantId: string): Promise<{ id: number; status: string; payload: { messageId: string } }[]> {
  return rows(database.db, sql`select id, status, payload from jobs where tenant_id = ${tenantId} and name = 'campaigns.send' order by id`);
}
