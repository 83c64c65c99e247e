import { AppError } from './errors.ts';

export { PageQuery, page } from './pagination.contract.ts';

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, shape: ('string' | 'number')[]): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === shape.length && parsed.every((v, i) => typeof v === shape[i])) {
      return parsed as (string | number)[];
    }
  } catch {
    /* fall through */
  }
  throw new AppError(400, 'bad_cursor');
}

/** Fetch limit+1 rows, return limit and the cursor of the last one when there are more. */
export function toPage<T>(rowsPlusOne: T[], limit: number, keyOf: (row: T) => (string | number)[]) {
  const items = rowsPlusOne.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rowsPlusOne.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
