import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/db.ts';
import { cjkDocument, splitCjk } from '../../platform/search/search.ts';
import type { BlankCells, ColumnMapping } from './data-import.contract.ts';
import type { Cell, SheetRow } from './sheet.read.ts';
import { isBad, text, type Parsed } from './sheet.values.ts';

/** One problem of one row: codes and params (localised when read). `col` is the 0-based file column. */
export interface RowIssue {
  row: number;
  col: number | null;
  field: string | null;
  code: string;
  params?: Record<string, string | number>;
}

export interface ChunkOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: RowIssue[];
  /** customers whose purchases changed: aggregates and tiers are recomputed for them at the end */
  customerIds: string[];
}

export const emptyOutcome = (): ChunkOutcome => ({ inserted: 0, updated: 0, unchanged: 0, failed: 0, errors: [], customerIds: [] });

/** The engine of one kind: validates and writes one chunk of rows in the caller's transaction. */
export interface KindImporter {
  chunk(tx: Tx, rows: SheetRow[]): Promise<ChunkOutcome>;
  /** rows with the same key must land in the same chunk (the lines of one order) */
  groupKey?(row: SheetRow): string;
}

export interface RunScope {
  tenantId: string;
  timeZone: string;
  mapping: ColumnMapping;
  blankCells: BlankCells;
}

/** Whether an empty cell of this field clears the stored value: the run says 'clear' and the field has a column. */
export function clears(scope: RunScope, field: string): boolean {
  const i = scope.mapping[field];
  return scope.blankCells === 'clear' && i !== undefined && i !== null;
}

/** The value an update writes: the cell's, or for an empty cell (null) the stored one, unless `clear` says otherwise. */
export const keepOr = (clear: boolean, cell: SQL, stored: SQL, cleared: SQL = sql`null`): SQL => (clear ? sql`coalesce(${cell}, ${cleared})` : sql`coalesce(${cell}, ${stored})`);

/**
 * Reads the mapped fields of a row and collects its problems. `get` returns '' for an unmapped field or an
 * empty cell; `mapped` tells them apart (an unmapped field leaves the stored value alone; an empty cell does
 * too unless the run clears, see `clears`).
 */
export class RowReader {
  readonly issues: RowIssue[] = [];
  constructor(
    private readonly mapping: ColumnMapping,
    readonly row: SheetRow,
  ) {}

  mapped(field: string): boolean {
    const i = this.mapping[field];
    return i !== undefined && i !== null;
  }

  cell(field: string): Cell {
    const i = this.mapping[field];
    return i === undefined || i === null ? '' : (this.row.cells[i] ?? '');
  }

  get(field: string): string {
    return text(this.cell(field));
  }

  fail(field: string | null, code: string, params?: Record<string, string | number>): void {
    const col = field === null ? null : (this.mapping[field] ?? null);
    this.issues.push({ row: this.row.row, col, field, code, params });
  }

  /** '' (empty or unmapped) → undefined; a value → parse it, or record the problem and give undefined */
  parse<T>(field: string, parse: (c: Cell) => Parsed<T>, required = false): T | undefined {
    const c = this.cell(field);
    if (text(c) === '') {
      if (required) this.fail(field, 'required');
      return undefined;
    }
    const v = parse(c);
    if (isBad(v)) {
      this.fail(field, v.bad, v.params);
      return undefined;
    }
    return v;
  }

  /** text with a length cap; '' → undefined */
  str(field: string, max: number, required = false): string | undefined {
    const s = this.get(field);
    if (s === '') {
      if (required) this.fail(field, 'required');
      return undefined;
    }
    if (s.length > max) {
      this.fail(field, 'too_long', { max });
      return undefined;
    }
    return s;
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }
}

/**
 * An external id as `system:id` (`shop:member-42`); a bare value from a member-number column gets the
 * `member:` system, so the same sheet imported twice finds the same customers.
 */
export function externalKey(raw: string): string | null {
  const s = raw.normalize('NFKC').trim();
  if (s === '' || s.length > 200) return null;
  const m = /^([A-Za-z][A-Za-z0-9_.-]{0,39})\s*:\s*(\S.*)$/.exec(s);
  return m ? `${m[1].toLowerCase()}:${m[2]}` : `member:${s}`;
}

export const param = (v: unknown[]) => sql.param(v);
export const arr = (v: unknown[], type: string): SQL => sql`${sql.param(v)}::${sql.raw(type)}[]`;

/** The parts platform/search's searchVector() weighs, computed in JS so a chunk needs one statement. */
export function searchParts(name: string): { latin: string; cjk: string } {
  return { latin: splitCjk(name).latin, cjk: cjkDocument(name) };
}
export const vectorSql = (latin: string, cjk: string, weight: 'A' | 'B') => sql.raw(`setweight(to_tsvector('english', ${latin}) || to_tsvector('simple', ${cjk}), '${weight}')`);
