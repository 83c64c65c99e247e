import { sql } from 'drizzle-orm';
import { rows as query, type Tx } from '../../platform/db/db.ts';
import { customerAddresses, customerIdentities, customers, normaliseEmail, normalisePhone } from '../customers/index.ts';
import type { SheetRow } from './sheet.read.ts';
import { parseDate, parseGender, parseTags } from './sheet.values.ts';
import { arr, clears, emptyOutcome, externalKey, keepOr, RowKeys, RowReader, searchParts, timeOrderedUuid, vectorSql, type ChunkOutcome, type KindImporter, type RunScope } from './rows.common.ts';

interface CustomerRow {
  row: number;
  externalId?: string;
  name: string;
  phone?: string;
  email?: string;
  gender?: string;
  birthday?: string;
  tags?: string[];
  address?: { province: string; city: string; district: string | null; street: string };
  /** the run clears and every address cell of the row is empty: an existing default address is removed */
  clearAddress?: boolean;
  /** the existing customer this row updates, or the new id */
  id?: string;
  isNew?: boolean;
}

function readRow(scope: RunScope, r: RowReader): CustomerRow | null {
  const name = r.str('name', 200, true);
  const extRaw = r.get('externalId');
  const externalId = extRaw ? (externalKey(extRaw) ?? undefined) : undefined;
  if (extRaw && !externalId) r.fail('externalId', 'too_long', { max: 200 });
  const phone = r.parse<string>('phone', (c) => normalisePhone(String(c)) ?? { bad: 'bad_phone' });
  const email = r.parse<string>('email', (c) => normaliseEmail(String(c)) ?? { bad: 'bad_email' });
  const gender = r.parse('gender', parseGender);
  const birthday = r.parse('birthday', (c) => parseDate(c, scope.timeZone));
  const tags = r.mapped('tags') && r.get('tags') !== '' ? parseTags(r.cell('tags')) : undefined;
  const province = r.str('province', 50);
  const city = r.str('city', 50);
  const district = r.str('district', 50);
  const street = r.str('street', 300);
  let address: CustomerRow['address'];
  if (province || city || district || street) {
    if (!province) r.fail('province', 'required');
    if (!city) r.fail('city', 'required');
    if (!street) r.fail('street', 'required');
    if (province && city && street) address = { province, city, district: district ?? null, street };
  }
  const clearAddress = !province && !city && !district && !street && clears(scope, 'province') && clears(scope, 'city') && clears(scope, 'street');
  if (!extRaw && !r.get('phone') && !r.get('email')) r.fail(null, 'needs_key');
  if (!r.ok || !name) return null;
  return { row: r.row.row, externalId, name, phone, email, gender, birthday, tags, address, clearAddress };
}

/** A chunk read and checked without the database: its bad rows counted in `out`, the rest to write. */
interface Prepared {
  out: ChunkOutcome;
  valid: CustomerRow[];
}

/**
 * Customers: upsert by external id, else by phone, else by e-mail (the duplicate detector's identities).
 * New customers are inserted; existing ones are updated only where a mapped cell differs (the database
 * compares, so an unchanged row bumps no version). An empty cell keeps the stored value, or with
 * `blankCells: 'clear'` empties it (gender back to unknown, no tags, no default address); identities stay.
 */
export function customersImporter(scope: RunScope): KindImporter<Prepared> {
  const seen = { ext: new RowKeys(), phone: new RowKeys(), email: new RowKeys(), target: new RowKeys() };
  const { tenantId } = scope;

  return {
    prepare(sheetRows: SheetRow[]): Prepared {
      const out = emptyOutcome();
      const valid: CustomerRow[] = [];
      for (const sr of sheetRows) {
        const r = new RowReader(scope.mapping, sr);
        const c = readRow(scope, r);
        if (c) {
          const dup = (c.externalId && seen.ext.get(c.externalId)) || (c.phone && seen.phone.get(c.phone)) || (c.email && seen.email.get(c.email));
          if (dup) r.fail(c.externalId && seen.ext.has(c.externalId) ? 'externalId' : c.phone && seen.phone.has(c.phone) ? 'phone' : 'email', 'duplicate_in_file', { row: dup });
        }
        if (!c || !r.ok) {
          out.failed++;
          out.errors.push(...r.issues);
          continue;
        }
        if (c.externalId) seen.ext.set(c.externalId, c.row);
        if (c.phone) seen.phone.set(c.phone, c.row);
        if (c.email) seen.email.set(c.email, c.row);
        valid.push(c);
      }
      return { out, valid };
    },

    async write(tx: Tx, { out, valid }: Prepared): Promise<ChunkOutcome> {
      const failRow = (issues: RowReader['issues']) => {
        out.failed++;
        out.errors.push(...issues);
      };
      if (valid.length === 0) return out;

      // every identity of the chunk in one lookup
      const keys = valid.flatMap((c) => [
        ...(c.externalId ? [['external', c.externalId]] : []),
        ...(c.phone ? [['phone', c.phone]] : []),
        ...(c.email ? [['email', c.email]] : []),
      ]);
      // one primary-key probe per key: as a join, the planner may hash the tenant's whole identities table for each chunk
      const found = await query<{ kind: string; value: string; customer_id: string | null }>(
        tx,
        sql`select u.kind, u.value, (select ci.customer_id from ${customerIdentities} ci where ci.tenant_id = ${tenantId} and ci.kind = u.kind and ci.value = u.value) as customer_id
            from unnest(${arr(keys.map((k) => k[0]), 'text')}, ${arr(keys.map((k) => k[1]), 'text')}) as u(kind, value)`,
      );
      const owner = new Map(found.flatMap((f) => (f.customer_id ? [[`${f.kind}:${f.value}`, f.customer_id] as const] : [])));
      const fresh: CustomerRow[] = [];
      const existing: CustomerRow[] = [];
      for (const c of valid) {
        const byExt = c.externalId ? owner.get(`external:${c.externalId}`) : undefined;
        const byPhone = c.phone ? owner.get(`phone:${c.phone}`) : undefined;
        const byEmail = c.email ? owner.get(`email:${c.email}`) : undefined;
        const target = byExt ?? byPhone ?? byEmail;
        const issues: RowReader['issues'] = [];
        const conflict = (field: string, other: string | undefined) => {
          if (target && other && other !== target) issues.push({ row: c.row, col: scope.mapping[field] ?? null, field, code: 'belongs_to_other_customer' });
        };
        conflict('phone', byPhone);
        conflict('email', byEmail);
        if (target && seen.target.has(target) && seen.target.get(target) !== c.row) issues.push({ row: c.row, col: null, field: null, code: 'same_customer_as_row', params: { row: seen.target.get(target)! } });
        if (issues.length) {
          failRow(issues);
          continue;
        }
        if (target) {
          seen.target.set(target, c.row);
          existing.push({ ...c, id: target });
        } else fresh.push({ ...c, id: timeOrderedUuid(), isNew: true });
      }

      if (fresh.length) {
        const s = fresh.map((c) => searchParts(c.name));
        await tx.execute(sql`insert into ${customers} (tenant_id, id, name, gender, birthday, tags, source, search_vector)
          select ${tenantId}, u.id, u.name, coalesce(u.gender, 'unknown'), u.birthday, coalesce(array(select jsonb_array_elements_text(u.tags::jsonb)), '{}'), 'import', ${vectorSql('u.l', 'u.c', 'A')}
          from unnest(${arr(fresh.map((c) => c.id), 'uuid')}, ${arr(fresh.map((c) => c.name), 'text')}, ${arr(fresh.map((c) => c.gender ?? null), 'text')}, ${arr(fresh.map((c) => c.birthday ?? null), 'date')},
            ${arr(fresh.map((c) => JSON.stringify(c.tags ?? [])), 'text')}, ${arr(s.map((x) => x.latin), 'text')}, ${arr(s.map((x) => x.cjk), 'text')}) as u(id, name, gender, birthday, tags, l, c)`);
        out.inserted += fresh.length;
      }
      const changed = new Set<string>();
      if (existing.length) {
        const s = existing.map((c) => searchParts(c.name));
        const gender = keepOr(clears(scope, 'gender'), sql`u.gender`, sql`c.gender`, sql`'unknown'`);
        const birthday = keepOr(clears(scope, 'birthday'), sql`u.birthday`, sql`c.birthday`);
        // array() of no elements is '{}', not null: an empty cell must stay null to keep the stored tags
        const tags = keepOr(clears(scope, 'tags'), sql`case when u.tags is null then null else array(select jsonb_array_elements_text(u.tags::jsonb)) end`, sql`c.tags`, sql`'{}'::text[]`);
        const upd = await query<{ id: string }>(
          tx,
          sql`update ${customers} c set name = u.name, gender = ${gender}, birthday = ${birthday}, tags = ${tags},
                search_vector = case when c.name = u.name then c.search_vector else ${vectorSql('u.l', 'u.c', 'A')} end,
                version = c.version + 1, updated_at = now()
              from unnest(${arr(existing.map((c) => c.id), 'uuid')}, ${arr(existing.map((c) => c.name), 'text')}, ${arr(existing.map((c) => c.gender ?? null), 'text')},
                ${arr(existing.map((c) => c.birthday ?? null), 'date')}, ${arr(existing.map((c) => (c.tags ? JSON.stringify(c.tags) : null)), 'text')},
                ${arr(s.map((x) => x.latin), 'text')}, ${arr(s.map((x) => x.cjk), 'text')}) as u(id, name, gender, birthday, tags, l, c)
              where c.tenant_id = ${tenantId} and c.id = u.id
                and (c.name, c.gender, c.birthday, c.tags) is distinct from (u.name, ${gender}, ${birthday}, ${tags})
              returning c.id`,
        );
        for (const r of upd) changed.add(r.id);
      }
      // identities: new customers' and the ones existing customers did not have yet (on conflict: a concurrent writer won)
      const all = [...fresh, ...existing];
      const ids = all.flatMap((c) => [
        ...(c.externalId && !owner.has(`external:${c.externalId}`) ? [{ kind: 'external', value: c.externalId, id: c.id! }] : []),
        ...(c.phone && !owner.has(`phone:${c.phone}`) ? [{ kind: 'phone', value: c.phone, id: c.id! }] : []),
        ...(c.email && !owner.has(`email:${c.email}`) ? [{ kind: 'email', value: c.email, id: c.id! }] : []),
      ]);
      if (ids.length) {
        const added = await query<{ customer_id: string }>(
          tx,
          sql`insert into ${customerIdentities} (tenant_id, kind, value, customer_id)
              select ${tenantId}, u.kind, u.value, u.cid from unnest(${arr(ids.map((i) => i.kind), 'text')}, ${arr(ids.map((i) => i.value), 'text')}, ${arr(ids.map((i) => i.id), 'uuid')}) as u(kind, value, cid)
              on conflict do nothing returning customer_id`,
        );
        for (const a of added) changed.add(a.customer_id);
      }
      for (const id of await upsertAddresses(tx, scope, all.filter((c) => c.address))) changed.add(id);
      const unaddressed = existing.filter((c) => c.clearAddress);
      if (unaddressed.length) {
        const gone = await query<{ customer_id: string }>(
          tx,
          sql`delete from ${customerAddresses} where tenant_id = ${tenantId} and is_default and customer_id = any(${arr(unaddressed.map((c) => c.id), 'uuid')}) returning customer_id`,
        );
        for (const g of gone) changed.add(g.customer_id);
      }
      for (const c of existing) {
        if (changed.has(c.id!)) out.updated++;
        else out.unchanged++;
      }
      out.customerIds.push(...fresh.map((c) => c.id!));
      return out;
    },
  };
}

/**
 * The default address of each customer: inserted when missing, updated when different; returns the existing
 * customers changed. A customer this chunk creates has no address yet: nothing to update or look up.
 */
async function upsertAddresses(tx: Tx, scope: RunScope, list: CustomerRow[]): Promise<string[]> {
  if (list.length === 0) return [];
  const { tenantId } = scope;
  const district = keepOr(clears(scope, 'district'), sql`u.district`, sql`d.district`);
  const known = list.filter((c) => !c.isNew);
  const changed = known.length
    ? await query<{ customer_id: string }>(
        tx,
        sql`update ${customerAddresses} d set province = u.province, city = u.city, district = ${district}, street = u.street
            from unnest(${arr(known.map((c) => c.id), 'uuid')}, ${arr(known.map((c) => c.address!.province), 'text')}, ${arr(known.map((c) => c.address!.city), 'text')},
              ${arr(known.map((c) => c.address!.district), 'text')}, ${arr(known.map((c) => c.address!.street), 'text')}) as u(cid, province, city, district, street)
            where d.tenant_id = ${tenantId} and d.customer_id = u.cid and d.is_default
              and (d.province, d.city, d.district, d.street) is distinct from (u.province, u.city, ${district}, u.street)
            returning d.customer_id`,
      )
    : [];
  const a = (f: (x: NonNullable<CustomerRow['address']>) => string | null) => list.map((c) => f(c.address!));
  const inserted = await query<{ customer_id: string }>(
    tx,
    sql`insert into ${customerAddresses} (tenant_id, customer_id, province, city, district, street, is_default)
        select ${tenantId}, u.cid, u.province, u.city, u.district, u.street, true
        from unnest(${arr(list.map((c) => c.id), 'uuid')}, ${arr(list.map((c) => c.isNew === true), 'boolean')}, ${arr(a((x) => x.province), 'text')}, ${arr(a((x) => x.city), 'text')},
          ${arr(a((x) => x.district), 'text')}, ${arr(a((x) => x.street), 'text')}) as u(cid, fresh, province, city, district, street)
        where u.fresh or not exists (select 1 from ${customerAddresses} d where d.tenant_id = ${tenantId} and d.customer_id = u.cid and d.is_default)
        returning customer_id`,
  );
  const fresh = new Set(list.filter((c) => c.isNew).map((c) => c.id));
  return [...changed, ...inserted].map((r) => r.customer_id).filter((id) => !fresh.has(id));
}
