import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/db.ts';
import { users } from '../../platform/auth/auth.schema.ts';

/**
 * `@张伟`, `@zhang.wei` or `@zhang.wei@example.cn` in a message names a colleague: matched against the
 * tenant's active users by full name, e-mail, or the part of the e-mail before the @.
 */
export function mentionTokens(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(/(?:^|[\s(（，,。:：])@([\p{L}\p{N}._+-]+(?:@[\w.-]+\.\w+)?)/gu)) out.add(m[1].toLowerCase());
  return [...out].slice(0, 20);
}

export async function resolveMentions(tx: Tx, tenantId: string, body: string): Promise<{ id: string; name: string }[]> {
  const tokens = mentionTokens(body);
  if (!tokens.length) return [];
  const list = sql.join(tokens.map((t) => sql`${t}`), sql`, `);
  return tx
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.active, true), sql`(lower(${users.name}) in (${list}) or lower(${users.email}) in (${list}) or lower(split_part(${users.email}, '@', 1)) in (${list}))`));
}
