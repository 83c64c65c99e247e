import { z } from 'zod';
import type { App } from '../http/types.ts';
import { page } from '../http/pagination.contract.ts';
import { CreateTeam, Team, TeamListQuery, UpdateTeam } from './teams.contract.ts';
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from './teams.service.ts';

const IdParam = z.object({ id: z.string().uuid() });

export function teamsRoutes(app: App) {
  app.get('/api/v1/teams', { config: { access: 'teams.read' }, schema: { tags: ['teams'], summary: 'List teams with members', querystring: TeamListQuery, response: { 200: page(Team) } } }, (req) =>
    listTeams(req.ctx, req.query),
  );
  app.post(
    '/api/v1/teams',
    { config: { access: 'teams.manage', idempotent: true }, schema: { tags: ['teams'], summary: 'Create a team', body: CreateTeam, response: { 201: Team } } },
    async (req, reply) => reply.code(201).send(await createTeam(req.ctx, req.body)),
  );
  app.get('/api/v1/teams/:id', { config: { access: 'teams.read' }, schema: { tags: ['teams'], summary: 'One team', params: IdParam, response: { 200: Team } } }, (req) =>
    getTeam(req.ctx, req.params.id),
  );
  app.patch(
    '/api/v1/teams/:id',
    { config: { access: 'teams.manage' }, schema: { tags: ['teams'], summary: 'Rename, describe, or replace members', params: IdParam, body: UpdateTeam, response: { 200: Team } } },
    (req) => updateTeam(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/teams/:id',
    {
      config: { access: 'teams.manage' },
      schema: { tags: ['teams'], summary: 'Delete a team', params: IdParam, querystring: z.object({ version: z.coerce.number().int().positive() }), response: { 204: z.null() } },
    },
    async (req, reply) => {
      await deleteTeam(req.ctx, req.params.id, req.query.version);
      return reply.code(204).send(null);
    },
  );
}
