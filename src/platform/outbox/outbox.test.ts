import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../db/test-db.ts';
import { rows, type Database } from '../db/db.ts';
import { createTenant, type TestTenant } from '../http/test-app.ts';
import { emitEvents } from './outbox.ts';

let database: Database;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  database = await createTestDatabase();
  tenant = await createTenant(database);
  other = await createTenant(database);
}, 120_000);
afterAll(() => database?.close());

const stored = (tenantId: string) =>
  rows<{ type: string; entity_type: string; entity_id: string; payload: unknown; processed: boolean }>(
    database.db,
    sql`select type, entity_type, entity_id, payload, processed_at is not null as processed from outbox_events where tenant_id = ${tenantId} order by id`,
  );

describe('emitEvents', () => {
  it('stores many events of one tenant in list order, pending delivery, with their payloads', async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({ type: 'order.created', entityType: 'order', entityId: `o-${i}`, payload: { n: i, note: i === 3 ? '引号 " 和 \\ 反斜杠' : null } }));
    await database.db.transaction((tx) => emitEvents(tx, { tenantId: tenant.id }, [...many, { type: 'order.updated', entityType: 'order', entityId: 'o-0', payload: undefined }]));
    const got = await stored(tenant.id);
    expect(got).toHaveLength(251);
    expect(got.map((e) => e.entity_id).slice(0, 250)).toEqual(many.map((e) => e.entityId));
    expect(got[3]).toEqual({ type: 'order.created', entity_type: 'order', entity_id: 'o-3', payload: { n: 3, note: '引号 " 和 \\ 反斜杠' }, processed: false });
    expect(got[250]).toMatchObject({ type: 'order.updated', payload: {} });
    expect(await stored(other.id)).toEqual([]);
  });

  it('writes nothing for an empty list, and nothing when the transaction rolls back', async () => {
    await database.db.transaction((tx) => emitEvents(tx, { tenantId: other.id }, []));
    await database.db
      .transaction(async (tx) => {
        await emitEvents(tx, { tenantId: other.id }, [{ type: 'order.created', entityType: 'order', entityId: 'x', payload: {} }]);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect(await stored(other.id)).toEqual([]);
  });
});
