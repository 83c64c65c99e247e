import { customType, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * bytea: both drivers hand back binary data, PGlite as Uint8Array and pg as Buffer; files.service.ts
 * normalises to Buffer in one place.
 */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (v) => v,
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * Stored files (mail attachments, inline images, later uploads). Kept in the database so that PGlite and
 * PostgreSQL behave the same and a backup is one dump; large-object storage can replace `data` later.
 */
export const files = pgTable(
  'files',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    filename: text('filename').notNull(),
    /** as declared by the sender; served only through safeContentType() */
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    data: bytea('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('files_sha256_idx').on(t.tenantId, t.sha256)],
);
