import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { AppError } from '../../platform/http/errors.ts';
import { t } from '../../platform/i18n/i18n.ts';
import { loadTicketRow } from './tickets.service.ts';
import { updateTicketInTx } from './tickets.update.ts';
import type { TicketPriority, TicketStatus } from './tickets.contract.ts';

export interface BulkChanges {
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string | null;
  teamId?: string | null;
  addTags?: string[];
}

/** Each ticket in its own transaction, at its current version: one refusal does not undo the others. */
export async function bulkUpdate(ctx: Ctx, ids: string[], changes: BulkChanges) {
  const out: { id: string; ok: boolean; code: string | null; message: string | null }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await ctx.tx(async (tx) => {
        const row = await loadTicketRow(tx, ctx.tenantId, id, true);
        if (!row) throw new AppError(404, 'not_found');
        const { addTags, ...rest } = changes;
        await updateTicketInTx(tx, ctx, id, { version: row.version, ...rest, ...(addTags?.length ? { tags: [...new Set([...row.tags, ...addTags])] } : {}) });
      });
      out.push({ id, ok: true, code: null, message: null });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      out.push({ id, ok: false, code: e.code, message: t(ctx.locale, `errors.${e.code}`, e.params) });
    }
  }
  return out;
}
