import type { Ctx } from '../../platform/tenancy/ctx.ts';
import { countSegment, segmentCustomerIds } from '../customers/index.ts';
import { allCustomerIds, countAllCustomers } from './customer-data.ts';

/**
 * A campaign's audience: a saved segment of the customers module, or every (unmerged) customer. Read in
 * keyset pages by id, so a fan-out over a million customers never holds them all in memory.
 */
export const AUDIENCE_PAGE = 500;

export async function audiencePage(ctx: Ctx, segmentId: string | null, afterId: string | null, limit = AUDIENCE_PAGE): Promise<string[]> {
  if (!segmentId) return allCustomerIds(ctx.db, ctx.tenantId, afterId, limit);
  return segmentCustomerIds(ctx, segmentId, { afterId, limit });
}

/** Walks the whole audience page by page. */
export async function* audience(ctx: Ctx, segmentId: string | null, pageSize = AUDIENCE_PAGE): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    const ids = await audiencePage(ctx, segmentId, after, pageSize);
    if (ids.length === 0) return;
    yield ids;
    if (ids.length < pageSize) return;
    after = ids[ids.length - 1];
  }
}

/** Live count for the segment picker. */
export async function audienceCount(ctx: Ctx, segmentId: string | null): Promise<number> {
  if (!segmentId) return countAllCustomers(ctx.db, ctx.tenantId);
  return countSegment(ctx, segmentId);
}
