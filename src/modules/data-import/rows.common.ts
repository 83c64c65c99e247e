import { randomFillSync } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/db.ts';
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

/**
 * The engine of one kind, in two steps per chunk of rows: `prepare` reads and checks the rows without the
 * database (the engine runs it while the previous chunk is being written), `write` checks what needs the
 * database and writes, in the caller's transaction. Chunks are prepared and written in file order.
 */
export interface KindImporter<P = unknown> {
  prepare(rows: SheetRow[]): P;
  write(tx: Tx, prepared: P): Promise<ChunkOutcome>;
  /** rows with the same key must land in the same chunk (the lines of one order) */
  groupKey?(row: SheetRow): string;
}

export interface RunScope {
  tenantId: string;
  timeZone: string;
  mapping: ColumnMapping;
  blankCells: BlankCells;
  /**
   * The database outside the chunk's transaction, for a counter that must not stay locked until the chunk
   * commits (order numbers), when chunks are written side by side. Absent in dry runs and on PGlite.
   */
  outside?: Db;
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
/**
 * A column of a chunk as one array parameter. Sent as the array's text literal, built here in one pass: the
 * driver's own array encoding escapes every element with two regular expressions, ~7 % of the import's
 * Node time. Elements are strings, numbers, booleans or null; strings are always quoted.
 */
export const arr = (v: readonly (string | number | boolean | null | undefined)[], type: string): SQL => sql`${arrayLiteral(v)}::${sql.raw(type)}[]`;

const quoteOrBackslash = /["\\]/;
export function arrayLiteral(v: readonly (string | number | boolean | null | undefined)[]): string {
  const parts = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === null || x === undefined) parts[i] = 'NULL';
    else if (typeof x !== 'string') parts[i] = String(x);
    else parts[i] = quoteOrBackslash.test(x) ? `"${x.replace(/["\\]/g, '\\$&')}"` : `"${x}"`;
  }
  return `{${parts.join(',')}}`;
}

/** The parts platform/search's searchVector() weighs, computed in JS so a chunk needs one statement. */
export function searchParts(name: string): { latin: string; cjk: string } {
  return { latin: splitCjk(name).latin, cjk: cjkDocument(name) };
}
export const vectorSql = (latin: string, cjk: string, weight: 'A' | 'B') => sql.raw(`setweight(to_tsvector('english', ${latin}) || to_tsvector('simple', ${cjk}), '${weight}')`);

const entropy = Buffer.alloc(16 * 256);
let entropyAt = entropy.length;

/**
 * A time-ordered UUID (RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits) for the rows an
 * import creates. A million customers or orders with random (v4) ids land all over their primary-key and
 * foreign-key indexes, and once those outgrow shared buffers every insert dirties (and after a checkpoint
 * logs in full) another page; ids that grow with time append to the right-hand pages instead.
 */
export function timeOrderedUuid(): string {
  if (entropyAt === entropy.length) {
    randomFillSync(entropy);
    entropyAt = 0;
  }
  const b = entropy.subarray(entropyAt, entropyAt + 16);
  entropyAt += 16;
  const ms = Date.now();
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Keys (external ids, phones, e-mails, order ids) → the row that had them first, for the checks against all
 * earlier rows of a file. Exact, like a Map<string, number>, in about a third of its memory: the keys' UTF-8
 * bytes sit in one growing buffer behind an open-addressing table, instead of a string and a map entry each
 * (a million-row file holds a few million of them).
 */
export class RowKeys {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /** byte offset + 1 of each entry (row u32, length u16, key); 0 = empty slot */
  private slots = new Int32Array(1 << 12);
  private count = 0;
  private scratch = Buffer.allocUnsafe(1024);

  get size(): number {
    return this.count;
  }

  private encode(key: string): number {
    if (key.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(key.length * 3);
    return this.scratch.write(key, 0, 'utf8');
  }

  /** the slot of `key` (its bytes are in scratch[0, len)), or the empty slot where it would go */
  private find(len: number, slots: Int32Array): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ this.scratch[i], 0x01000193);
    const mask = slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const at = slots[s] - 1;
      if (at < 0) return s;
      if (this.bytes.readUInt16LE(at + 4) === len && this.bytes.compare(this.scratch, 0, len, at + 6, at + 6 + len) === 0) return s;
    }
  }

  get(key: string): number | undefined {
    const at = this.slots[this.find(this.encode(key), this.slots)] - 1;
    return at < 0 ? undefined : this.bytes.readUInt32LE(at);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, row: number): void {
    const len = this.encode(key);
    const s = this.find(len, this.slots);
    if (this.slots[s] > 0) {
      this.bytes.writeUInt32LE(row, this.slots[s] - 1);
      return;
    }
    if (this.used + 6 + len > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + 6 + len));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.bytes.writeUInt32LE(row, this.used);
    this.bytes.writeUInt16LE(len, this.used + 4);
    this.scratch.copy(this.bytes, this.used + 6, 0, len);
    this.slots[s] = this.used + 1;
    this.used += 6 + len;
    if (++this.count * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    for (const v of this.slots) {
      if (v === 0) continue;
      const len = this.bytes.readUInt16LE(v - 1 + 4);
      if (len > this.scratch.length) this.scratch = Buffer.allocUnsafe(len);
      this.bytes.copy(this.scratch, 0, v - 1 + 6, v - 1 + 6 + len);
      slots[this.find(len, slots)] = v;
    }
    this.slots = slots;
  }
}
