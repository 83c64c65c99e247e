import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { App } from '../../platform/http/types.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { tenants } from '../../platform/tenancy/tenancy.schema.ts';
import {
  AudienceCount,
  CallTask,
  CallTaskQuery,
  Campaign,
  CampaignMessage,
  CampaignReport,
  CampaignSettings,
  CampaignTemplate,
  CreateCampaign,
  CreateTemplate,
  HolidayOption,
  IdParam,
  MessageListQuery,
  RecordOutcome,
  RenderedMessage,
  RenderTemplate,
  UpdateCampaign,
  UpdateCampaignSettings,
  UpdateTemplate,
  VersionBody,
} from './campaigns.contract.ts';
import { campaignReport, createCampaign, getCampaign, listCampaignMessages, listCampaigns, listHolidays, pauseCampaign, startCampaign, updateCampaign } from './campaigns.service.ts';
import { createTemplate, getTemplate, listTemplates, renderPreview, updateTemplate } from './templates.service.ts';
import { getCampaignSettings, updateCampaignSettings } from './settings.service.ts';
import { claimCallTask, getCallTask, listCallTasks, recordOutcome } from './followups.service.ts';
import { audienceCount } from './audience.ts';
import { localDate } from './occasions.ts';
import { publicCampaignRoutes } from './public.routes.ts';

const tags = ['campaigns'];
const manage = { access: 'campaigns.manage' } as const;

export function campaignsRoutes(app: App) {
  app.get('/api/v1/campaign-templates', { config: manage, schema: { tags, summary: 'Message templates (e-mail, SMS) in zh-CN and en', response: { 200: z.array(CampaignTemplate) } } }, (req) => listTemplates(req.ctx));
  app.post(
    '/api/v1/campaign-templates',
    { config: { ...manage, idempotent: true }, schema: { tags, summary: 'Create a template; variables are written {{customerName}} etc.', body: CreateTemplate, response: { 201: CampaignTemplate } } },
    async (req, reply) => reply.code(201).send(await createTemplate(req.ctx, req.body)),
  );
  app.get('/api/v1/campaign-templates/:id', { config: manage, schema: { tags, summary: 'One template', params: IdParam, response: { 200: CampaignTemplate } } }, (req) => getTemplate(req.ctx, req.params.id));
  app.patch(
    '/api/v1/campaign-templates/:id',
    { config: manage, schema: { tags, summary: 'Change a template (with the version read; 409 when stale)', params: IdParam, body: UpdateTemplate, response: { 200: CampaignTemplate } } },
    (req) => updateTemplate(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/v1/campaign-templates/render',
    { config: manage, schema: { tags, summary: "Preview a saved or draft template for a real customer, in the customer's language unless one is asked for", body: RenderTemplate, response: { 200: RenderedMessage } } },
    async (req) => {
      const [t] = await req.ctx.db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, req.ctx.tenantId));
      return renderPreview(req.ctx, req.body, t.name, localDate(new Date(), req.ctx.timeZone));
    },
  );

  app.get('/api/v1/campaigns', { config: manage, schema: { tags, summary: 'Care campaigns, newest first', response: { 200: z.array(Campaign) } } }, (req) => listCampaigns(req.ctx));
  app.post(
    '/api/v1/campaigns',
    { config: { ...manage, idempotent: true }, schema: { tags, summary: 'Create a campaign (draft) with its kind-specific schedule', body: CreateCampaign, response: { 201: Campaign } } },
    async (req, reply) => reply.code(201).send(await createCampaign(req.ctx, req.body)),
  );
  app.get(
    '/api/v1/campaigns/audience-count',
    { config: manage, schema: { tags, summary: 'Live size of an audience (a segment, or every customer)', querystring: z.object({ segmentId: z.string().uuid().optional() }), response: { 200: AudienceCount } } },
    async (req) => ({ count: await audienceCount(req.ctx, req.query.segmentId ?? null) }),
  );
  app.get(
    '/api/v1/campaigns/holidays',
    { config: manage, schema: { tags, summary: 'Holidays of a business calendar, for holiday greetings', querystring: z.object({ calendar: z.string().min(1).max(100).default('cn-standard') }), response: { 200: z.array(HolidayOption) } } },
    (req) => listHolidays(req.ctx, req.query.calendar),
  );
  app.get('/api/v1/campaigns/:id', { config: manage, schema: { tags, summary: 'One campaign', params: IdParam, response: { 200: Campaign } } }, (req) => getCampaign(req.ctx, req.params.id));
  app.patch(
    '/api/v1/campaigns/:id',
    { config: manage, schema: { tags, summary: 'Change a draft or paused campaign (409 while it runs or when stale)', params: IdParam, body: UpdateCampaign, response: { 200: Campaign } } },
    (req) => updateCampaign(req.ctx, req.params.id, req.body),
  );
  app.post('/api/v1/campaigns/:id/start', { config: manage, schema: { tags, summary: 'Start or resume', params: IdParam, body: VersionBody, response: { 200: Campaign } } }, (req) =>
    startCampaign(req.ctx, req.params.id, req.body.version),
  );
  app.post('/api/v1/campaigns/:id/pause', { config: manage, schema: { tags, summary: 'Pause: messages that come due meanwhile are skipped, and sent on resume', params: IdParam, body: VersionBody, response: { 200: Campaign } } }, (req) =>
    pauseCampaign(req.ctx, req.params.id, req.body.version),
  );
  app.get('/api/v1/campaigns/:id/report', { config: manage, schema: { tags, summary: 'Counts per status, skip reasons, open and click rates, call outcomes', params: IdParam, response: { 200: CampaignReport } } }, (req) =>
    campaignReport(req.ctx, req.params.id),
  );
  app.get(
    '/api/v1/campaigns/:id/messages',
    { config: manage, schema: { tags, summary: 'Delivery log, newest first', params: IdParam, querystring: MessageListQuery, response: { 200: page(CampaignMessage) } } },
    (req) => listCampaignMessages(req.ctx, req.params.id, req.query),
  );
  app.get('/api/v1/campaign-settings', { config: manage, schema: { tags, summary: 'Frequency cap, daily run time, SMS gateway', response: { 200: CampaignSettings } } }, (req) => getCampaignSettings(req.ctx));
  app.put('/api/v1/campaign-settings', { config: manage, schema: { tags, summary: 'Change campaign settings', body: UpdateCampaignSettings, response: { 200: CampaignSettings } } }, (req) =>
    updateCampaignSettings(req.ctx, req.body),
  );

  const work = { access: 'followups.work' } as const;
  app.get('/api/v1/call-tasks', { config: work, schema: { tags, summary: 'Follow-up calls: mine and unassigned (scope=all for campaign managers)', querystring: CallTaskQuery, response: { 200: z.array(CallTask) } } }, (req) =>
    listCallTasks(req.ctx, req.query),
  );
  app.get('/api/v1/call-tasks/:id', { config: work, schema: { tags, summary: 'One call task', params: IdParam, response: { 200: CallTask } } }, (req) => getCallTask(req.ctx, req.params.id));
  app.post('/api/v1/call-tasks/:id/claim', { config: work, schema: { tags, summary: 'Take an unassigned call task', params: IdParam, body: VersionBody, response: { 200: CallTask } } }, (req) =>
    claimCallTask(req.ctx, req.params.id, req.body.version),
  );
  app.post(
    '/api/v1/call-tasks/:id/outcome',
    { config: work, schema: { tags, summary: 'Record the call: reached, not reached (tried again tomorrow), satisfied, or problem (opens a ticket)', params: IdParam, body: RecordOutcome, response: { 200: CallTask } } },
    (req) => recordOutcome(req.ctx, req.params.id, req.body),
  );
  publicCampaignRoutes(app);
}
