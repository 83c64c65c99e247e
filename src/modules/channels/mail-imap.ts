import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/db.ts';
import { decryptSecret } from '../../platform/crypto/secrets.ts';
import { resolveTarget } from '../../platform/net/private-targets.ts';
import { loadConfig } from '../../config.ts';
import { mailSettings } from './channels.schema.ts';
import { ingestForTenants } from './email.receive.ts';

/** Messages taken per poll: a huge backlog drains over several polls instead of one endless job. */
const MAX_PER_POLL = 200;

/**
 * Polls the tenant's IMAP mailbox and feeds new messages (UID above the stored cursor) into the same
 * ingestion path as SMTP. Each message is stored under the key folder/uidvalidity/uid, so a poll that
 * dies half-way and runs again takes nothing twice; the cursor only moves after the message is stored.
 * Messages are left on the server (read-only use of the mailbox).
 */
export async function pollImap(db: Db, tenantId: string): Promise<number> {
  const [s] = await db.select().from(mailSettings).where(eq(mailSettings.tenantId, tenantId));
  if (!s?.imapEnabled || !s.imapHost || !s.imapUser) return 0;
  // checked again here, after DNS: the saved name may point into our own network by now (DNS rebinding)
  const address = await resolveTarget(s.imapHost, { allowPrivate: loadConfig().allowPrivateTargets });
  // loaded on first poll: only tenants with IMAP intake need it, and it adds megabytes to every process
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: address,
    ...(address !== s.imapHost ? { servername: s.imapHost } : {}),
    port: s.imapPort,
    secure: s.imapTls,
    auth: { user: s.imapUser, pass: s.imapPassword ? decryptSecret(s.imapPassword) : '' },
    logger: false,
  });
  await client.connect();
  let taken = 0;
  try {
    const lock = await client.getMailboxLock(s.imapFolder, { readOnly: true });
    try {
      const box = client.mailbox;
      const validity = box ? String(box.uidValidity) : '0';
      const [v, u] = (s.imapCursor ?? '').split(':');
      let last = v === validity ? Number(u) || 0 : 0;
      for await (const msg of client.fetch(`${last + 1}:*`, { uid: true, source: true }, { uid: true })) {
        if (msg.uid <= last || !msg.source) continue; // `n:*` returns the newest message even when n is past it
        await ingestForTenants(db, [tenantId], msg.source, { source: 'imap', sourceKey: `${s.imapFolder}/${validity}/${msg.uid}`, rcptTo: [] });
        last = msg.uid;
        await db.update(mailSettings).set({ imapCursor: `${validity}:${last}` }).where(and(eq(mailSettings.tenantId, tenantId)));
        if (++taken >= MAX_PER_POLL) break;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
  return taken;
}
