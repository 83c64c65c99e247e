/** Money is integer fen on the wire; the UI shows yuan with two decimals (¥1,234.56) in the UI language. */
export function formatYuan(fen: number | null | undefined, locale: string): string {
  if (fen === null || fen === undefined) return '—';
  const sign = fen < 0 ? '-' : '';
  return `${sign}¥${(Math.abs(fen) / 100).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A yuan amount typed in a number field → fen (rounded to whole fen); empty → null. */
export function yuanToFen(value: string | number | null | undefined): number | null {
  if (value === '' || value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? Math.round(n * 100) : null;
}

export const fenToYuan = (fen: number | null | undefined): number | string => (fen === null || fen === undefined ? '' : fen / 100);
