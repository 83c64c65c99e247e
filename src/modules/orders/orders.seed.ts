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
const plan: Purchase[][] = [
  [[0, 2, 400, 'offline_store', '徐汇旗舰店'], [4, 2, 40, 'online', '天猫旗舰店']],
  [[2, 1, 200, 'online', '京东自营'], [3, 1, 20, 'offline_store', '静安店']],
  [[1, 1, 700, 'distributor', '苏州经销商'], [0, 1, 300, 'offline_store', '徐汇旗舰店'], [4, 3, 10, 'online', '天猫旗舰店']],
  [[3, 1, 90, 'online', '京东自营']],
];

type Purchase = [product: number, quantity: number, daysAgo: number, channel: 'online' | 'offline_store' | 'distributor', store: string | null];

/**
 * A year of purchases for the demo's big spenders (their profiles come from the customers seed; matched by
 * phone, created bare when missing). Against the default tiers (VIP: ≥ ¥5,000, ≥ 2 orders, last within
 * 365 days; senior VIP: ≥ ¥20,000, ≥ 4 orders, last within 180 days; 12-month window) they come out as
 * senior VIP (¥29,789 in 5 orders), VIP (¥9,398 in 2 after a ¥100 price protection) and VIP (¥9,197 in 2).
 */
const vipPurchases: { name: string; phone: string; orders: Purchase[]; priceProtectionFen?: number }[] = [
  {
    name: '张建国',
    phone: '13501350005',
    orders: [
      [1, 2, 330, 'offline_store', '徐汇旗舰店'],
      [0, 3, 250, 'offline_store', '徐汇旗舰店'],
      [2, 1, 150, 'online', '京东自营'],
      [3, 1, 60, 'offline_store', '静安店'],
      [4, 4, 12, 'online', '天猫旗舰店'],
    ],
  },
  { name: '刘芳', phone: '13601360006', orders: [[1, 1, 280, 'online', '京东自营'], [3, 1, 95, 'online', '天猫旗舰店']], priceProtectionFen: 10000 },
  { name: '周文涛', phone: '13301330007', orders: [[0, 2, 200, 'distributor', '苏州经销商'], [2, 1, 30, 'offline_store', '静安店']] },
];

/**
 * Demo catalogue (空调 / 洗衣机 / 热水器 with warranty months), the big spenders' purchases (one with a price
 * protection refund by amount), and orders for the first other demo customers (three of its own when the
 * tenant has none yet), one with a refunded line. Runs in the seed transaction; about twenty rows of orders.
 */
export async function seedCatalogAndOrders(ctx: Ctx): Promise<void> {
  const catIds = new Map<string, string>();
  for (const c of categories) catIds.set(c.code, (await createCategory(ctx, c)).id);
  const productIds: string[] = [];
  for (const p of products) {
    const { cat, ...rest } = p;
    productIds.push((await createProduct(ctx, { ...rest, categoryId: catIds.get(cat) })).id);
  }
  const { firstOrderId, protectedOrderId } = await ctx.tx(async (tx) => {
    const now = DateTime.now().setZone(ctx.timeZone);
    let serial = 1000;
    const buy = async (customerId: string, [pi, quantity, days, channel, store]: Purchase) => {
      const p = products[pi];
      const serialNumbers = p.serialTracked ? Array.from({ length: quantity }, () => `SN${now.year}${serial++}`) : [];
      const orderedAt = now.minus({ days }).toISODate()!;
      const deliveredAt = now.minus({ days: Math.max(0, days - 2) }).toISODate()!;
      const { order } = await createOrderInTx(tx, ctx, { customerId, channel, store, orderedAt, deliveredAt, items: [{ productId: productIds[pi], quantity, serialNumbers }] });
      return order.id;
    };
    let protectedId: string | null = null;
    for (const v of vipPurchases) {
      const customerId = (await resolveCustomer(tx, ctx, { name: v.name, phone: v.phone }))!;
      for (const purchase of v.orders) {
        const id = await buy(customerId, purchase);
        if (v.priceProtectionFen) protectedId = id;
      }
    }
    // the others: customers without purchases yet, so the big spenders' figures stay as planned
    const ids = (
      await tx
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.tenantId, ctx.tenantId), isNull(customers.mergedIntoId), eq(customers.ordersCount, 0)))
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
    let firstId: string | null = null;
    for (const [n, customerId] of ids.entries()) {
      for (const purchase of plan[n % plan.length]) {
        const id = await buy(customerId, purchase);
        firstId ??= id;
      }
    }
    return { firstOrderId: firstId, protectedOrderId: protectedId };
  });
  // one refunded unit, so the demo shows adjustment history and net revenue
  if (firstOrderId) await refundOrder(ctx, firstOrderId, { version: 1, lineNo: 1, quantity: 1, reason: '一台外观破损，退款 / one unit damaged on delivery, refunded' });
  // money back without goods: the price dropped after the sale (价保)
  const protection = vipPurchases.find((v) => v.priceProtectionFen)?.priceProtectionFen;
  if (protectedOrderId && protection) await refundOrder(ctx, protectedOrderId, { version: 1, amountFen: protection, reason: '价保：活动降价退差价 / price protection: price dropped after the sale' });
}
