import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { notFound } from '../../platform/http/errors.ts';
import { ClearTierOverride, PreviewTiers, RecomputeRun, SaveTierConfig, ServiceStandard, TierConfig, TierHistoryEntry, TierOverrideInput, TierPreview } from './tiers.contract.ts';
import { clearTierOverride, getTierConfig, previewTiers, recomputeRun, saveTierConfig, serviceStandardFor, setTierOverride, tierHistoryOf } from './tiers.service.ts';
import { startRecompute } from './tiers.jobs.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['customers'];

export function tiersRoutes(app: App) {
  app.get(
    '/api/v1/tiers',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Tier definitions (RFM thresholds, service standards), settings and the last recompute', response: { 200: TierConfig } } },
    (req) => getTierConfig(req.ctx),
  );
  app.patch(
    '/api/v1/tiers',
    { config: { access: 'tiers.manage' }, schema: { tags, summary: 'Replace the tier definitions and settings (version from GET; 409 when stale)', body: SaveTierConfig, response: { 200: TierConfig } } },
    (req) => saveTierConfig(req.ctx, req.body),
  );
  app.post(
    '/api/v1/tiers/preview',
    { config: { access: 'tiers.manage' }, schema: { tags, summary: 'How many customers draft definitions would put in each tier, and how many would move; writes nothing', body: PreviewTiers, response: { 200: TierPreview } } },
    (req) => previewTiers(req.ctx, req.body),
  );
  app.post(
    '/api/v1/tiers/recompute',
    { config: { access: 'tiers.manage' }, schema: { tags, summary: 'Recompute every tier now (in the background); follow it with GET /tiers/recompute', response: { 202: RecomputeRun } } },
    async (req, reply) => reply.code(202).send(await startRecompute(req.ctx)),
  );
  app.get(
    '/api/v1/tiers/recompute',
    { config: { access: 'tiers.manage' }, schema: { tags, summary: 'State of the last recompute run', response: { 200: RecomputeRun.nullable() } } },
    (req) => recomputeRun(req.ctx),
  );
  app.get(
    '/api/v1/customers/:id/service-standard',
    { config: { access: 'customers.read' }, schema: { tags, summary: "The customer's tier with its names, routing priority, dedicated agent and benefits", params: IdParam, response: { 200: ServiceStandard } } },
    async (req) => {
      const s = await serviceStandardFor(req.ctx.db, req.ctx.tenantId, req.params.id);
      if (!s) throw notFound();
      return s;
    },
  );
  app.get(
    '/api/v1/customers/:id/tier-history',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Tier changes of a customer with reason and figures, newest first', params: IdParam, response: { 200: z.array(TierHistoryEntry) } } },
    (req) => tierHistoryOf(req.ctx, req.params.id),
  );
  app.post(
    '/api/v1/customers/:id/tier-override',
    { config: { access: 'tiers.manage' }, schema: { tags, summary: 'Set a manual tier (reason required); recomputes leave it until it ends or is cleared', params: IdParam, body: TierOverrideInput, response: { 200: ServiceStandard } } },
    (req) => setTierOverride(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/customers/:id/tier-override',
    { config: { access: 'tiers.manage' }, schema: { tags, summary: 'End a manual tier (reason required); the RFM tier applies again at once', params: IdParam, querystring: ClearTierOverride, response: { 200: ServiceStandard } } },
    (req) => clearTierOverride(req.ctx, req.params.id, req.query.reason),
  );
}
