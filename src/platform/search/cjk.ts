/**
 * Chinese has no spaces, so PostgreSQL's parsers keep a whole sentence as one token and trigram indexes
 * cannot serve two-character words. CJK runs are therefore indexed as overlapping character bigrams plus
 * single characters (for one-character queries); everything else goes to the normal English parser.
 * One place for the rule: indexing and querying both call these functions.
 */
const cjkRun = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

/** Splits text into its CJK runs and the rest (with CJK replaced by spaces). */
export function splitCjk(text: string): { cjk: string[]; latin: string } {
  const normalised = text.normalize('NFKC');
  return { cjk: normalised.match(cjkRun) ?? [], latin: normalised.replace(cjkRun, ' ') };
}

/** Index tokens of a CJK run: every character and every overlapping pair. */
export function cjkIndexTokens(run: string): string[] {
  const chars = [...run];
  const out = new Set<string>(chars);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return [...out];
}

/** Query tokens of a CJK run: a single character alone, otherwise its pairs (all must match). */
export function cjkQueryTokens(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return [...new Set(out)];
}

/** Space-separated tokens for `to_tsvector('simple', …)` of the CJK part of a document. */
export function cjkDocument(text: string): string {
  return splitCjk(text).cjk.flatMap(cjkIndexTokens).join(' ');
}

/** A `to_tsquery('simple', …)` expression for the CJK part of a query, or '' when it has none. */
export function cjkQuery(text: string): string {
  const tokens = splitCjk(text).cjk.flatMap(cjkQueryTokens);
  // tokens are CJK characters only, so nothing needs quoting for to_tsquery
  return tokens.join(' & ');
}
