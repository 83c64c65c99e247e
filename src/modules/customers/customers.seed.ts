import { and, eq, like } from 'drizzle-orm';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { users } from '../../platform/auth/auth.schema.ts';
import { createCustomer } from './customers.write.ts';
import { CreateCustomer } from './customers.contract.ts';

/**
 * Demo customers with full profiles (identities, addresses, consents, notes, a company with a contact), owned
 * by the demo sales rep. Seeded before the demo orders, which are spread over the first customers. The last
 * three are the big spenders: the orders seed (orders.seed.ts, `vipPurchases`, matched by these phone numbers)
 * gives them a year of purchases that the RFM recompute at the end of seeding turns into one senior VIP and
 * two VIPs; the senior VIP has the demo agent as dedicated agent.
 */
export async function seedDemoCustomers(ctx: Ctx): Promise<void> {
  const [sales] = await ctx.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), like(users.email, 'sales@%')));
  const [agent] = await ctx.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), like(users.email, 'agent@%')));
  const zh = ctx.locale === 'zh-CN';
  const ownerId = sales?.id ?? null;
  const people = [
    {
      name: zh ? '王小明' : 'Wang Xiaoming',
      gender: 'male',
      birthday: '1985-06-18',
      phones: ['13800138001', '010-62345678'],
      emails: ['wang.xiaoming@example.cn'],
      externalIds: ['wechat:o6_demo_wangxm', 'shop:member-1001'],
      tags: [zh ? '老客户' : 'loyal', zh ? '厨电' : 'kitchen'],
      preferences: { contactTime: zh ? '工作日晚上' : 'weekday evenings', channel: 'sms' },
      addresses: [{ label: zh ? '家' : 'Home', province: '北京市', city: '北京市', district: '海淀区', street: '中关村大街 27 号 3 单元 502', postalCode: '100080', isDefault: true }],
      consents: [{ channel: 'sms', granted: true, source: 'form' }, { channel: 'email', granted: true, source: 'form' }],
      note: zh ? '2024 年购买整套厨电，重视上门安装时间。' : 'Bought a full kitchen set in 2024; cares about installation times.',
    },
    {
      name: zh ? '李华' : 'Li Hua',
      gender: 'female',
      birthday: '1992-02-29',
      phones: ['13900139002'],
      emails: ['lihua@example.cn'],
      tags: [zh ? '网店' : 'online'],
      addresses: [{ province: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道 100 号', isDefault: true }],
      consents: [{ channel: 'email', granted: true, source: 'shop_checkout' }, { channel: 'sms', granted: false, source: 'unsubscribe_link' }],
    },
    {
      name: zh ? '陈静' : 'Chen Jing',
      gender: 'female',
      birthday: '1978-11-03',
      phones: ['13700137003', '0755-8888 6666'],
      externalIds: ['wechat_union:oUnion_demo_chenjing'],
      language: 'zh-CN',
      addresses: [{ province: '广东省', city: '深圳市', district: '南山区', street: '科技园南区 8 栋', isDefault: true }],
      consents: [{ channel: 'wechat', granted: true, source: 'mini_program' }],
    },
    {
      name: zh ? '张建国' : 'Zhang Jianguo',
      gender: 'male',
      birthday: '1971-04-09',
      phones: ['13501350005'],
      emails: ['zhang.jianguo@example.cn'],
      tags: [zh ? '别墅装修' : 'villa renovation', zh ? '全屋家电' : 'whole-home appliances'],
      preferences: { contactTime: zh ? '上午' : 'mornings', channel: 'phone' },
      addresses: [{ label: zh ? '别墅' : 'Villa', province: '上海市', city: '上海市', district: '青浦区', street: '徐泾镇明珠路 1288 弄 16 号', postalCode: '201702', isDefault: true }],
      consents: [{ channel: 'sms', granted: true, source: 'form' }, { channel: 'phone', granted: true, source: 'form' }],
      dedicatedAgentId: agent?.id ?? null,
      note: zh ? '别墅全屋家电分批购买；安装前请提前一天电话确认。' : 'Equipping a villa in stages; call a day ahead of every installation.',
    },
    {
      name: zh ? '刘芳' : 'Liu Fang',
      gender: 'female',
      birthday: '1988-09-21',
      phones: ['13601360006'],
      emails: ['liufang88@example.cn'],
      tags: [zh ? '网店' : 'online'],
      addresses: [{ province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 90 号 2 幢 1101', isDefault: true }],
      consents: [{ channel: 'sms', granted: true, source: 'shop_checkout' }],
    },
    {
      name: zh ? '周文涛' : 'Zhou Wentao',
      gender: 'male',
      birthday: '1983-01-15',
      phones: ['13301330007'],
      tags: [zh ? '餐饮店主' : 'restaurant owner'],
      addresses: [{ label: zh ? '店铺' : 'Shop', province: '江苏省', city: '苏州市', district: '姑苏区', street: '观前街 168 号', isDefault: true }],
      consents: [{ channel: 'wechat', granted: true, source: 'mini_program' }],
    },
  ];
  for (const p of people) await createCustomer(ctx, CreateCustomer.parse({ ...p, ownerId, source: 'seed' }));
  const company = await createCustomer(
    ctx,
    CreateCustomer.parse({
      kind: 'company',
      name: zh ? '华东电器贸易有限公司' : 'East China Appliance Trading Co.',
      phones: ['+86 21 6123 4567'],
      emails: ['purchasing@huadong-trade.example.cn'],
      tags: [zh ? '经销商' : 'distributor'],
      addresses: [{ province: '上海市', city: '上海市', district: '闵行区', street: '虹梅路 3000 号', isDefault: true }],
      ownerId,
      source: 'seed',
      note: zh ? '年度采购框架协议，联系人赵经理。' : 'Annual purchase agreement; contact Manager Zhao.',
    }),
  );
  await createCustomer(ctx, CreateCustomer.parse({ name: zh ? '赵经理' : 'Manager Zhao', companyId: company.customer.id, phones: ['13600136004'], ownerId, source: 'seed' }));
}
