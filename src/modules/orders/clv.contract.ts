import { z } from 'zod';

/**
 * Customer lifetime value, as PRODUCT.md (KPI section) defines it.
 *
 * Historical CLV = Σ over the customer's order lines of (net revenue − net cost), where a line whose unit
 * cost is unknown contributes its net revenue. Net = after refunds: a line with q units of which r were
 * refunded keeps total − (money refunded on it, units and amounts) of revenue and unit cost × (q − r) of
 * cost; an amount refund (price protection, goodwill) lowers revenue only, the goods stay. Cancelled
 * orders therefore contribute 0. (Kept on `customers.clv_fen` by refreshCustomerAggregates.)
 *
 * Predicted CLV = average order value × purchases per year × expected lifetime (years) × margin rate, with
 *  - average order value = net revenue ÷ number of orders that still count (not cancelled, not fully refunded);
 *  - purchases per year = those orders ÷ the years observed, where the observed span runs from the first
 *    counted order to today and is at least one year. So a customer with one order (or several within
 *    the first year) buys that many times a year; one order three years ago counts as 1/3 a year. A
 *    span shorter than a year would extrapolate two purchases in one week to ~100 a year, hence the floor.
 *  - expected lifetime and margin rate are the organisation's settings (GET/PUT /api/v1/orders/clv-settings).
 * No counted orders → 0. Results are rounded to whole fen.
 */
export const clvDefinition = {
  en: 'Historical CLV = sum over orders of (revenue − cost) after refunds; lines with unknown cost count their revenue. Predicted CLV = average order value × purchases per year × expected lifetime (years) × margin rate; purchases per year = orders ÷ years since the first order (at least 1 year).',
  'zh-CN': '历史 CLV = 各订单（扣除退款后）收入 − 成本之和；成本未知的明细按收入计。预测 CLV = 平均订单金额 × 年购买次数 × 预期客户生命周期（年）× 毛利率；年购买次数 = 订单数 ÷ 自首单以来的年数（至少按 1 年计）。',
} as const;

export const ClvSettings = z.object({
  expectedLifetimeYears: z.number(),
  marginRate: z.number(),
  currency: z.string(),
  /** 0 until first saved (the defaults apply); send it back with PUT */
  version: z.number().int(),
  updatedAt: z.string().nullable(),
  definition: z.object({ en: z.string(), 'zh-CN': z.string() }),
});
export type ClvSettings = z.infer<typeof ClvSettings>;

export const UpdateClvSettings = z.object({
  /** 0 when the settings were never saved */
  version: z.number().int().min(0),
  expectedLifetimeYears: z.number().gt(0).max(100),
  marginRate: z.number().min(0).max(1),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/)
    .default('CNY'),
});
export type UpdateClvSettings = z.infer<typeof UpdateClvSettings>;

export const defaultClvSettings = { expectedLifetimeYears: 3, marginRate: 0.25, currency: 'CNY' } as const;

export interface PurchaseSummary {
  /** orders that still count (not cancelled, not fully refunded) */
  ordersCount: number;
  /** net revenue after refunds, fen */
  revenueFen: number;
  /** first counted order */
  firstOrderAt: Date | string | null;
}

export const CustomerClv = z.object({
  customerId: z.string().uuid(),
  ordersCount: z.number().int(),
  revenueFen: z.number().int(),
  historicalFen: z.number().int(),
  predictedFen: z.number().int(),
  averageOrderFen: z.number().int(),
  purchasesPerYear: z.number(),
  settings: ClvSettings,
});
export type CustomerClv = z.infer<typeof CustomerClv>;

const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;

/** Purchases per year as defined above: orders ÷ max(1, years since the first order). */
export function purchasesPerYear(summary: PurchaseSummary, now: Date = new Date()): number {
  if (summary.ordersCount <= 0 || !summary.firstOrderAt) return 0;
  const first = new Date(summary.firstOrderAt).getTime();
  const years = Math.max(1, (now.getTime() - first) / MS_PER_YEAR);
  return summary.ordersCount / years;
}

/** Predicted CLV in fen (pure; see the definition above). */
export function predictedClv(summary: PurchaseSummary, settings: { expectedLifetimeYears: number; marginRate: number }, now: Date = new Date()): number {
  if (summary.ordersCount <= 0) return 0;
  const averageOrder = summary.revenueFen / summary.ordersCount;
  return Math.round(averageOrder * purchasesPerYear(summary, now) * settings.expectedLifetimeYears * settings.marginRate);
}
