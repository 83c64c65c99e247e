import { and, asc, eq, isNull } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { customers, resolveCustomer } from '../customers/index.ts';
import { createCategory, createProduct } from '../catalog/index.ts';
import { createOrderInTx } from './orders.service.ts';
import { refundOrder } from './adjust.ts';

const categories = [
  { code: 'ac', nameZh: '空调', nameEn: 'Air conditioners', warrantyMonths: 36 },
  { code: 'washer', nameZh: '洗衣机', nameEn: 'Washing machines', warrantyMonths: 36 },
  { code: 'water-heater', nameZh: '热水器', nameEn: 'Water heaters', warrantyMonths: 48 },
];

const products = [
  { sku: 'AC-KFR35GW', cat: 'ac', name: '变频挂机空调 1.5 匹', nameEn: 'Inverter wall AC 1.5 HP', model: 'KFR-35GW/BP3', brand: '安家', serialTracked: true, priceFen: 329900, costFen: 240000 },
  { sku: 'AC-KFR72LW', cat: 'ac', name: '立式柜机空调 3 匹', nameEn: 'Floor-standing AC 3 HP', model: 'KFR-72LW/BP2', brand: '安家', serialTracked: true, priceFen: 759900, costFen: 560000 },
  { sku: 'WM-XQG100', cat: 'washer', name: '滚筒洗衣机 10 公斤', nameEn: 'Front-load washer 10 kg', model: 'XQG100-B14', brand: '安家', serialTracked: true, priceFen: 259900, costFen: null },
  { sku: 'WH-JSQ25', cat: 'water-heater', name: '燃气热水器 13 升', nameEn: 'Gas water heater 13 L', model: 'JSQ25-13', brand: '安家', serialTracked: true, priceFen: 189900, costFen: 130000, warrantyMonths: 60 },
  { sku: 'ACC-FILTER', cat: 'ac', name: '空调滤网', nameEn: 'AC filter', model: 'FLT-01', brand: '安家', serialTracked: false, priceFen: 4900, costFen: 1500, warrantyMonths: 0 },
];

/** Who buys what in the demo: [product index, quantity, days ago, channel, store] per order. */
const plan: [number, number, number, 'online' | 'offline_store' | 'distributor', string | null][][] = [
  [[0, 2, 400, 'offline_store', '徐汇旗舰店'], [4, 2, 40, 'online', '天猫旗舰店']],
  [[2, 1, 200, 'online', '京东自营'], [3, 1, 20, 'offline_store', '静安店']],
  [[1, 1, 700, 'distributor', '苏州经销商'], [0, 1, 300, 'offline_store', '徐汇旗舰店'], [4, 3, 10, 'online', '天猫旗舰店']],
  [[3, 1, 90, 'online', '京东自营']],
];

/**
 * Demo catalogue (空调 / 洗衣机 / 热水器 with warranty months) and orders for the first demo customers
 * (three of its own when the tenant has none yet), one with a refunded line. Runs in the seed transaction.
 */
export async function seedCatalogAndOrders(ctx: Ctx): Promise<void> {
  const catIds = new Map<string, string>();
  for (const c of categories) catIds.set(c.code, (await createCategory(ctx, c)).id);
  const productIds: string[] = [];
  for (const p of products) {
    const { cat, ...rest } = p;
    productIds.push((await createProduct(ctx, { ...rest, categoryId: catIds.get(cat) })).id);
  }
  const firstOrderId = await ctx.tx(async (tx) => {
    let firstId: string | null = null;
    const ids = (
      await tx
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.tenantId, ctx.tenantId), isNull(customers.mergedIntoId)))
        .orderBy(asc(customers.createdAt), asc(customers.id))
        .limit(plan.length)
    ).map((c) => c.id);
    if (ids.length === 0) {
      const demo = [
        { name: '王小明', phone: '13800138001' },
        { name: '李华', phone: '13900139002' },
        { name: '陈静', phone: '13700137003' },
      ];
      for (const d of demo) ids.push((await resolveCustomer(tx, ctx, d))!);
    }
    const now = DateTime.now().setZone(ctx.timeZone);
    let serial = 1000;
    for (const [n, customerId] of ids.entries()) {
      for (const [pi, quantity, days, channel, store] of plan[n % plan.length]) {
        const p = products[pi];
        const serialNumbers = p.serialTracked ? Array.from({ length: quantity }, () => `SN${now.year}${serial++}`) : [];
        const orderedAt = now.minus({ days }).toISODate()!;
        const deliveredAt = now.minus({ days: Math.max(0, days - 2) }).toISODate()!;
        const { order } = await createOrderInTx(tx, ctx, { customerId, channel, store, orderedAt, deliveredAt, items: [{ productId: productIds[pi], quantity, serialNumbers }] });
        firstId ??= order.id;
      }
    }
    return firstId;
  });
  // one refunded unit, so the demo shows adjustment history and net revenue
  if (firstOrderId) await refundOrder(ctx, firstOrderId, { version: 1, lineNo: 1, quantity: 1, reason: '一台外观破损，退款 / one unit damaged on delivery, refunded' });
}
