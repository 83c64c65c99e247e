import { sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rows, type Queryable } from '../db/db.ts';
import { encryptSecret, SECRET_PREFIX } from './secrets.ts';

/**
 * Start-up step for one secret column: values stored in plain text before encryption existed are encrypted in
 * place. Runs across tenants (maintenance of the table, not a tenant's action). The update matches the plain
 * value it read, so two processes starting together cannot encrypt a value twice.
 */
export async function encryptPlainColumn(db: Queryable, table: PgTable, keys: PgColumn[], secret: PgColumn): Promise<number> {
  const plain = await rows<Record<string, string>>(
    db,
    sql`select ${sql.join(
      keys.map((k) => sql`${k}::text as ${sql.identifier(k.name)}`),
      sql`, `,
    )}, ${secret} as secret_value
        from ${table} where ${secret} is not null and ${secret} <> '' and ${secret} not like ${`${SECRET_PREFIX}%`}`,
  );
  for (const r of plain) {
    const match = keys.map((k) => sql`${sql.identifier(k.name)}::text = ${r[k.name]}`);
    await db.execute(
      sql`update ${table} set ${sql.identifier(secret.name)} = ${encryptSecret(r.secret_value)}
          where ${sql.join(match, sql` and `)} and ${sql.identifier(secret.name)} = ${r.secret_value}`,
    );
  }
  return plain.length;
}
