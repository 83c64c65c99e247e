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

/**
 * A yuan amount as typed ("12", "12.5", ".5", "1,234.56", "¥12.30") → integer fen, exactly: the decimal string
 * is split at the point and never multiplied as a float (0.29 × 100 is 28.999… in binary). null unless it is
 * a non-negative amount with at most two decimals.
 */
export function parseYuanToFen(text: string): number | null {
  const s = text.trim().replace(/^[¥￥]/, '').replace(/[,，\s]/g, '');
  const m = /^(?:(\d+)(?:\.(\d{0,2}))?|\.(\d{1,2}))$/.exec(s);
  if (!m) return null;
  const fen = Number(m[1] ?? '0') * 100 + Number((m[2] ?? m[3] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}
