import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { campaigns, campaignTemplates } from './campaigns.schema.ts';
import type { CampaignSchedule, TemplateBodies } from './campaigns.contract.ts';
import { scheduleDailyRun } from './settings.service.ts';

export const birthdayBodies: TemplateBodies = {
  'zh-CN': {
    subject: '{{customerName}}，生日快乐！',
    text: '亲爱的{{customerName}}：\n\n{{companyName}}祝您生日快乐！作为我们的{{tierName}}，感谢您一直以来的信任与支持。\n\n如不想再收到此类邮件，请点击退订：{{unsubscribeUrl}}',
    html: null,
  },
  en: {
    subject: 'Happy birthday, {{customerName}}!',
    text: 'Dear {{customerName}},\n\nall of us at {{companyName}} wish you a happy birthday! Thank you for being our {{tierName}} customer.\n\nTo stop receiving these e-mails, unsubscribe here: {{unsubscribeUrl}}',
    html: null,
  },
};

const followupScript = {
  'zh-CN': '您好，{{customerName}}！我是{{companyName}}的客服。您在我们这里购买了{{productName}}（订单 {{orderNumber}}），想了解一下使用情况：安装是否顺利？使用中有没有问题？对我们的服务满意吗？',
  en: 'Hello {{customerName}}, this is {{companyName}} customer care. You bought {{productName}} (order {{orderNumber}}) from us: did the installation go well, is everything working, and are you satisfied with our service?',
};

/** Demo data: a running birthday greeting (e-mail, zh/en) and a follow-up call 3 days after each purchase. */
export async function seedCampaigns(ctx: Ctx): Promise<void> {
  await ctx.tx(async (tx) => {
    const [t] = await tx.insert(campaignTemplates).values({ tenantId: ctx.tenantId, name: ctx.locale === 'en' ? 'Birthday greeting' : '生日祝福', channel: 'email', bodies: birthdayBodies }).returning();
    const birthday: CampaignSchedule = { kind: 'birthday' };
    const followup: CampaignSchedule = { kind: 'followup_purchase', daysAfter: 3, assigneeId: null, script: followupScript };
    await tx.insert(campaigns).values([
      { tenantId: ctx.tenantId, name: ctx.locale === 'en' ? 'Birthday greetings' : '生日关怀', kind: 'birthday', status: 'active', channel: 'email', templateId: t.id, schedule: birthday },
      { tenantId: ctx.tenantId, name: ctx.locale === 'en' ? 'Follow-up call after purchase' : '购买后回访', kind: 'followup_purchase', status: 'active', channel: 'call', schedule: followup },
    ]);
    await scheduleDailyRun(tx, ctx.tenantId, ctx.timeZone);
  });
}
