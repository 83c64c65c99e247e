import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { Ticket, TicketMessage, TicketStatus, TicketPriority } from './tickets.contract.ts';
import { AgentSkills, Escalate, HandBack, TeamRouting, UpdateTeamRouting } from './routing.contract.ts';
import { ApplyMacro, CreateMacro, CreateSavedView, Macro, SavedView, UpdateMacro } from './macros.contract.ts';
import { escalate, handBack } from './escalation.service.ts';
import { getTeamRouting, getUserSkills, setSkills, updateRouting } from './routing.service.ts';
import { applyMacro, createMacro, createView, deleteMacro, deleteView, listMacros, listViews, updateMacro } from './macros.service.ts';
import { link, listLinks, merge, split, unlink } from './relations.service.ts';
import { bulkUpdate } from './bulk.service.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['tickets'];
const LinkKind = z.enum(['related', 'duplicate', 'parent']);

export function ticketWorkflowRoutes(app: App) {
  app.post('/api/v1/tickets/:id/escalate', { config: { access: 'tickets.update' }, schema: { tags, summary: 'Escalate to the L2 team with a reason', params: IdParam, body: Escalate, response: { 200: Ticket } } }, (req) =>
    escalate(req.ctx, req.params.id, req.body),
  );
  app.post('/api/v1/tickets/:id/hand-back', { config: { access: 'tickets.update' }, schema: { tags, summary: 'Hand an escalated ticket back to its first-line team', params: IdParam, body: HandBack, response: { 200: Ticket } } }, (req) =>
    handBack(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/v1/tickets/:id/merge',
    { config: { access: 'tickets.update' }, schema: { tags, summary: 'Merge this ticket into another (conversation moves; the customer is told)', params: IdParam, body: z.strictObject({ version: z.number().int().positive(), intoTicketId: z.string().uuid() }), response: { 200: Ticket } } },
    (req) => merge(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/v1/tickets/:id/split',
    {
      config: { access: 'tickets.update' },
      schema: { tags, summary: 'Move some messages to a new ticket for the same customer', params: IdParam, body: z.strictObject({ version: z.number().int().positive(), messageIds: z.array(z.string().uuid()).min(1).max(200), subject: z.string().trim().min(1).max(300) }), response: { 201: Ticket } },
    },
    async (req, reply) => reply.code(201).send(await split(req.ctx, req.params.id, req.body)),
  );
  app.get(
    '/api/v1/tickets/:id/links',
    { config: { access: 'tickets.read' }, schema: { tags, summary: 'Linked, duplicate, parent and child tickets', params: IdParam, response: { 200: z.array(z.object({ ticketId: z.string(), number: z.string(), subject: z.string(), status: z.string(), kind: z.string() })) } } },
    (req) => listLinks(req.ctx, req.params.id),
  );
  app.post(
    '/api/v1/tickets/:id/links',
    { config: { access: 'tickets.update' }, schema: { tags, summary: 'Link another ticket (parent = this ticket is the parent)', params: IdParam, body: z.strictObject({ otherId: z.string().uuid(), kind: LinkKind }), response: { 204: z.null() } } },
    async (req, reply) => {
      await link(req.ctx, req.params.id, req.body.otherId, req.body.kind);
      return reply.code(204).send(null);
    },
  );
  app.delete(
    '/api/v1/tickets/:id/links/:otherId',
    { config: { access: 'tickets.update' }, schema: { tags, summary: 'Remove a link', params: z.object({ id: z.string().uuid(), otherId: z.string().uuid() }), response: { 204: z.null() } } },
    async (req, reply) => {
      await unlink(req.ctx, req.params.id, req.params.otherId);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/v1/tickets/:id/apply-macro',
    { config: { access: 'tickets.update' }, schema: { tags, summary: 'Apply a macro: rendered reply plus field changes, in one step', params: IdParam, body: ApplyMacro, response: { 200: z.object({ ticket: Ticket, message: TicketMessage.nullable() }) } } },
    (req) => applyMacro(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/v1/tickets/bulk',
    {
      config: { access: 'tickets.update' },
      schema: {
        tags,
        summary: 'Change many tickets at once; each ticket succeeds or fails on its own',
        body: z.strictObject({
          ids: z.array(z.string().uuid()).min(1).max(200),
          changes: z.strictObject({ status: TicketStatus.optional(), priority: TicketPriority.optional(), assigneeId: z.string().uuid().nullable().optional(), teamId: z.string().uuid().nullable().optional(), addTags: z.array(z.string().min(1).max(50)).max(20).optional() }),
        }),
        response: { 200: z.array(z.object({ id: z.string(), ok: z.boolean(), code: z.string().nullable(), message: z.string().nullable() })) },
      },
    },
    (req) => bulkUpdate(req.ctx, req.body.ids, req.body.changes),
  );
  // configuration
  app.get('/api/v1/teams/:id/routing', { config: { access: 'teams.read' }, schema: { tags: ['routing'], summary: "A team's assignment rule and escalation team", params: IdParam, response: { 200: TeamRouting } } }, (req) =>
    getTeamRouting(req.ctx, req.params.id),
  );
  app.put('/api/v1/teams/:id/routing', { config: { access: 'tickets.configure' }, schema: { tags: ['routing'], summary: 'Set the assignment rule (manual, round robin, least loaded, skills) and escalation', params: IdParam, body: UpdateTeamRouting, response: { 200: TeamRouting } } }, (req) =>
    updateRouting(req.ctx, req.params.id, req.body),
  );
  app.get('/api/v1/users/:id/skills', { config: { access: 'users.read' }, schema: { tags: ['routing'], summary: "An agent's skills, regions, product lines and languages", params: IdParam, response: { 200: AgentSkills } } }, async (req) => ({
    skills: await getUserSkills(req.ctx, req.params.id),
  }));
  app.put('/api/v1/users/:id/skills', { config: { access: 'tickets.configure' }, schema: { tags: ['routing'], summary: "Replace an agent's skills", params: IdParam, body: AgentSkills, response: { 200: AgentSkills } } }, async (req) => ({
    skills: await setSkills(req.ctx, req.params.id, req.body.skills),
  }));
  app.get('/api/v1/macros', { config: { access: 'tickets.read' }, schema: { tags: ['macros'], summary: 'Shared macros and my own', response: { 200: z.array(Macro) } } }, (req) => listMacros(req.ctx));
  app.post('/api/v1/macros', { config: { access: 'tickets.update', idempotent: true }, schema: { tags: ['macros'], summary: 'Create a macro', body: CreateMacro, response: { 201: Macro } } }, async (req, reply) =>
    reply.code(201).send(await createMacro(req.ctx, req.body)),
  );
  app.patch('/api/v1/macros/:id', { config: { access: 'tickets.configure' }, schema: { tags: ['macros'], summary: 'Change a macro', params: IdParam, body: UpdateMacro, response: { 200: Macro } } }, (req) =>
    updateMacro(req.ctx, req.params.id, req.body),
  );
  app.delete('/api/v1/macros/:id', { config: { access: 'tickets.configure' }, schema: { tags: ['macros'], summary: 'Delete a macro', params: IdParam, response: { 204: z.null() } } }, async (req, reply) => {
    await deleteMacro(req.ctx, req.params.id);
    return reply.code(204).send(null);
  });
  app.get('/api/v1/views', { config: { access: 'tickets.read' }, schema: { tags: ['views'], summary: 'My saved views and those shared with my teams', response: { 200: z.array(SavedView) } } }, (req) => listViews(req.ctx));
  app.post('/api/v1/views', { config: { access: 'tickets.read', idempotent: true }, schema: { tags: ['views'], summary: 'Save a ticket filter as a view', body: CreateSavedView, response: { 201: SavedView } } }, async (req, reply) =>
    reply.code(201).send(await createView(req.ctx, req.body)),
  );
  app.delete('/api/v1/views/:id', { config: { access: 'tickets.read' }, schema: { tags: ['views'], summary: 'Delete one of my views', params: IdParam, response: { 204: z.null() } } }, async (req, reply) => {
    await deleteView(req.ctx, req.params.id);
    return reply.code(204).send(null);
  });
}
