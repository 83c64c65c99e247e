import type { Db, Tx } from '../db/db.ts';
import type { Locale } from '../i18n/i18n.contract.ts';
import type { Role } from '../auth/roles.contract.ts';

export interface Actor {
  /** the signed-in user, or null when an API token acts */
  userId: string | null;
  tokenId: string | null;
  name: string;
  roles: Role[];
}

/** Everything a service function needs to know about who acts, where, and on which database. */
export interface Ctx {
  tenantId: string;
  actor: Actor;
  locale: Locale;
  timeZone: string;
  db: Db;
  ip: string | null;
  requestId: string | null;
  /** One transaction per use case; audit and outbox rows join it. */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export function makeCtx(db: Db, fields: Omit<Ctx, 'db' | 'tx'>): Ctx {
  return { ...fields, db, tx: (fn) => db.transaction(fn) };
}

/** The actor used by jobs and seeding: acts as the system, with every role. */
export function systemCtx(db: Db, tenant: { id: string; timeZone: string; defaultLocale: string }): Ctx {
  return makeCtx(db, {
    tenantId: tenant.id,
    actor: { userId: null, tokenId: null, name: 'system', roles: ['admin'] },
    locale: tenant.defaultLocale === 'en' ? 'en' : 'zh-CN',
    timeZone: tenant.timeZone,
    ip: null,
    requestId: null,
  });
}

/** A ctx bound to an open transaction: service calls made with it join that transaction. */
export function joinTx(ctx: Ctx, tx: Tx): Ctx {
  return { ...ctx, db: tx as unknown as Db, tx: (fn) => fn(tx) };
}
