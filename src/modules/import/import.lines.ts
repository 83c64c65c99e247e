import type { z } from 'zod';
import type { Params } from '../../platform/i18n/i18n.ts';
import { ImportTicketLine } from './import.contract.ts';

/** A line's problem as a catalogue key and its params: localised when read, in the reader's language. */
export interface StoredFieldError {
  path: string;
  code: string;
  params: Params;
}
export interface StoredLineError {
  line: number;
  externalId: string | null;
  errors: StoredFieldError[];
}

/** The same catalogue keys the HTTP layer uses for request validation (platform/http/problem.ts). */
function keyOf(issue: z.core.$ZodIssue): { code: string; params: Params } {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? { code: 'validation.required', params: {} } : { code: 'validation.invalid_type', params: { expected: String(issue.expected) } };
    case 'too_small':
      return { code: issue.origin === 'string' ? 'validation.too_small_string' : 'validation.too_small', params: { minimum: String(issue.minimum) } };
    case 'too_big':
      return { code: issue.origin === 'string' ? 'validation.too_big_string' : 'validation.too_big', params: { maximum: String(issue.maximum) } };
    case 'invalid_format':
      return { code: 'validation.invalid_format', params: { format: String(issue.format) } };
    case 'invalid_value':
      return { code: 'validation.invalid_value', params: { values: issue.values.map(String).join(', ') } };
    case 'unrecognized_keys':
      return { code: 'validation.unrecognized_keys', params: { keys: issue.keys.join(', ') } };
    default:
      return { code: 'validation.invalid', params: {} };
  }
}

export type ParsedLine = { ok: true; line: ImportTicketLine } | { ok: false; error: StoredLineError };

/** Parses and validates one NDJSON line; never throws. */
export function parseLine(text: string, lineNo: number): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: { line: lineNo, externalId: null, errors: [{ path: '', code: 'errors.bad_json', params: { detail: (e as Error).message.slice(0, 200) } }] } };
  }
  const r = ImportTicketLine.safeParse(json);
  if (r.success) return { ok: true, line: r.data };
  const ext = typeof json === 'object' && json !== null && typeof (json as { externalId?: unknown }).externalId === 'string' ? (json as { externalId: string }).externalId.slice(0, 200) : null;
  return {
    ok: false,
    error: { line: lineNo, externalId: ext, errors: r.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), ...keyOf(i) })) },
  };
}

/** Numbered non-blank lines of an NDJSON text (blank lines are allowed and not counted), after the first `skip` of them. */
export function* ndjsonLines(text: string, skip = 0): Generator<{ no: number; text: string }> {
  let no = 0;
  let seen = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    no++;
    const raw = text.slice(start, end).replace(/\r$/, '');
    if (raw.trim() !== '' && seen++ >= skip) yield { no, text: raw };
    start = end + 1;
  }
}

export function countLines(text: string): number {
  let n = 0;
  for (const _ of ndjsonLines(text)) n++;
  return n;
}
