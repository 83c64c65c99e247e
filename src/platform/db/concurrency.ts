import { z } from 'zod';
import { notFound, versionConflict } from '../http/errors.ts';

/**
 * Optimistic concurrency, declared once: an update names the version it read; the service locks the row
 * (SELECT … FOR UPDATE), calls `checkVersion`, and bumps `version`. A stale version is a 409 that carries
 * the current version, never a lost update. Missing rows (including other tenants' ids) are 404.
 */
export function checkVersion<T extends { version: number }>(row: T | undefined, expected: number, entity: string): T {
  if (!row) throw notFound();
  if (row.version !== expected) throw versionConflict(entity, row.version);
  return row;
}

export const Versioned = z.object({ version: z.number().int().positive() });
