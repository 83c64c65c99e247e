import { sql, type SQL } from 'drizzle-orm';
import { cjkDocument, cjkQuery, splitCjk } from './cjk.ts';

export { cjkDocument, cjkQuery, splitCjk } from './cjk.ts';

/**
 * The tsvector of a document: English words (stemmed) plus CJK bigrams/characters. Weight A for titles,
 * B for bodies, so ranking prefers title matches.
 */
export function searchVector(text: string, weight: 'A' | 'B' | 'C' | 'D' = 'B'): SQL {
  const { latin } = splitCjk(text);
  return sql`setweight(to_tsvector('english', ${latin}) || to_tsvector('simple', ${cjkDocument(text)}), ${weight})`;
}

/**
 * The two parts searchVector() indexes, worked out in JS, for bulk writes that send arrays of them
 * (`unnest`) and build the vector in SQL with searchVectorOf().
 */
export function searchParts(text: string): { latin: string; cjk: string } {
  return { latin: splitCjk(text).latin, cjk: cjkDocument(text) };
}

/** searchVector() over SQL expressions holding searchParts() (column names of an `unnest` in bulk writes). */
export function searchVectorOf(latin: SQL, cjk: SQL, weight: 'A' | 'B' | 'C' | 'D' = 'B'): SQL {
  return sql`setweight(to_tsvector('english', ${latin}) || to_tsvector('simple', ${cjk}), ${sql.raw(`'${weight}'`)})`;
}

/** The tsquery of a user's search box text, or null when it holds nothing searchable. */
export function searchQuery(text: string): SQL | null {
  const { latin } = splitCjk(text);
  const cjk = cjkQuery(text);
  const hasLatin = /[\p{L}\p{N}]/u.test(latin);
  if (!hasLatin && !cjk) return null;
  if (hasLatin && cjk) return sql`(websearch_to_tsquery('english', ${latin}) && to_tsquery('simple', ${cjk}))`;
  return hasLatin ? sql`websearch_to_tsquery('english', ${latin})` : sql`to_tsquery('simple', ${cjk})`;
}
