/**
 * Mainland China's official public holidays and adjusted working days (调休), as published by the
 * General Office of the State Council (国务院办公厅关于 2025 / 2026 年部分节假日安排的通知).
 * Later years are added by importing the new notice (JSON or iCalendar) on the calendars admin page.
 */
export interface OfficialDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

function range(from: string, to: string, name: string): OfficialDay[] {
  const out: OfficialDay[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push({ date: d.toISOString().slice(0, 10), kind: 'holiday', name });
  }
  return out;
}
const workday = (date: string, name: string): OfficialDay => ({ date, kind: 'workday', name });

export const chinaOfficialDays: OfficialDay[] = [
  // 2025
  ...range('2025-01-01', '2025-01-01', '元旦 New Year'),
  ...range('2025-01-28', '2025-02-04', '春节 Spring Festival'),
  workday('2025-01-26', '春节调休 Spring Festival make-up day'),
  workday('2025-02-08', '春节调休 Spring Festival make-up day'),
  ...range('2025-04-04', '2025-04-06', '清明节 Qingming'),
  ...range('2025-05-01', '2025-05-05', '劳动节 Labour Day'),
  workday('2025-04-27', '劳动节调休 Labour Day make-up day'),
  ...range('2025-05-31', '2025-06-02', '端午节 Dragon Boat Festival'),
  ...range('2025-10-01', '2025-10-08', '国庆节、中秋节 National Day and Mid-Autumn'),
  workday('2025-09-28', '国庆节调休 National Day make-up day'),
  workday('2025-10-11', '国庆节调休 National Day make-up day'),
  // 2026
  ...range('2026-01-01', '2026-01-03', '元旦 New Year'),
  workday('2026-01-04', '元旦调休 New Year make-up day'),
  ...range('2026-02-15', '2026-02-23', '春节 Spring Festival'),
  workday('2026-02-14', '春节调休 Spring Festival make-up day'),
  workday('2026-02-28', '春节调休 Spring Festival make-up day'),
  ...range('2026-04-04', '2026-04-06', '清明节 Qingming'),
  ...range('2026-05-01', '2026-05-05', '劳动节 Labour Day'),
  workday('2026-05-09', '劳动节调休 Labour Day make-up day'),
  ...range('2026-06-19', '2026-06-21', '端午节 Dragon Boat Festival'),
  ...range('2026-09-25', '2026-09-27', '中秋节 Mid-Autumn Festival'),
  ...range('2026-10-01', '2026-10-07', '国庆节 National Day'),
  workday('2026-09-20', '国庆节调休 National Day make-up day'),
  workday('2026-10-10', '国庆节调休 National Day make-up day'),
];
