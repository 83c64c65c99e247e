import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { notFound } from '../../platform/http/errors.ts';
import { Address, AddressInput, Consent, ConsentInput, Customer, DuplicateProblem, IdentityInput, IdentityKind, Note, NoteInput } from './customers.contract.ts';
import { addIdentity, removeIdentity } from './customers.write.ts';
import { addAddress, addNote, addressesOf, consentsOf, notesOf, removeAddress, removeNote, setConsent, updateAddress } from './customers.details.ts';
import { survivorOf } from './customers.service.ts';
import { duplicateAwareErrors } from './customers.http.ts';
import type { Ctx } from '../../platform/tenancy/ctx.ts';

const IdParam = z.object({ id: z.string().uuid() });
const tags = ['customers'];

/** Reads of a customer's parts: 404 for ids this tenant does not have. */
async function known(ctx: Ctx, id: string): Promise<string> {
  if (!(await survivorOf(ctx.db, ctx.tenantId, id))) throw notFound();
  return id;
}

/** Identities, addresses, consents and notes of one customer. */
export function customerDetailRoutes(app: App) {
  app.post(
    '/api/v1/customers/:id/identities',
    {
      config: { access: 'customers.write' },
      errorHandler: duplicateAwareErrors,
      schema: { tags, summary: 'Add a phone, e-mail or external id (409 naming the customer that has it already)', params: IdParam, body: IdentityInput, response: { 200: Customer, 409: DuplicateProblem } },
    },
    (req) => addIdentity(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/customers/:id/identities',
    {
      config: { access: 'customers.write' },
      schema: { tags, summary: 'Remove one identity (the normalised value as listed)', params: IdParam, querystring: z.object({ kind: IdentityKind, value: z.string().min(1).max(320) }), response: { 200: Customer } },
    },
    (req) => removeIdentity(req.ctx, req.params.id, req.query.kind, req.query.value),
  );

  app.get(
    '/api/v1/customers/:id/addresses',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Addresses, the default first', params: IdParam, response: { 200: z.array(Address) } } },
    async (req) => addressesOf(req.ctx.db, req.ctx.tenantId, await known(req.ctx, req.params.id)),
  );
  app.post(
    '/api/v1/customers/:id/addresses',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Add an address (province / city / district / street); the first becomes the default', params: IdParam, body: AddressInput, response: { 201: Address } } },
    async (req, reply) => reply.code(201).send(await addAddress(req.ctx, req.params.id, req.body)),
  );
  const AddressParams = z.object({ id: z.string().uuid(), addressId: z.string().uuid() });
  app.put(
    '/api/v1/customers/:id/addresses/:addressId',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Replace an address', params: AddressParams, body: AddressInput, response: { 200: Address } } },
    (req) => updateAddress(req.ctx, req.params.id, req.params.addressId, req.body),
  );
  app.delete(
    '/api/v1/customers/:id/addresses/:addressId',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Remove an address', params: AddressParams } },
    async (req, reply) => {
      await removeAddress(req.ctx, req.params.id, req.params.addressId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/customers/:id/consents',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Marketing consent per channel, with source and time (no row = no consent)', params: IdParam, response: { 200: z.array(Consent) } } },
    async (req) => consentsOf(req.ctx.db, req.ctx.tenantId, await known(req.ctx, req.params.id)),
  );
  app.put(
    '/api/v1/customers/:id/consents',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Grant or withdraw consent for one channel; the change is kept in the audit log', params: IdParam, body: ConsentInput, response: { 200: z.array(Consent) } } },
    (req) => setConsent(req.ctx, req.params.id, req.body),
  );

  app.get(
    '/api/v1/customers/:id/notes',
    { config: { access: 'customers.read' }, schema: { tags, summary: 'Notes, newest first', params: IdParam, response: { 200: z.array(Note) } } },
    async (req) => notesOf(req.ctx.db, req.ctx.tenantId, await known(req.ctx, req.params.id)),
  );
  app.post(
    '/api/v1/customers/:id/notes',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Add a note', params: IdParam, body: NoteInput, response: { 201: Note } } },
    async (req, reply) => reply.code(201).send(await addNote(req.ctx, req.params.id, req.body.body)),
  );
  app.delete(
    '/api/v1/customers/:id/notes/:noteId',
    { config: { access: 'customers.write' }, schema: { tags, summary: 'Remove a note', params: z.object({ id: z.string().uuid(), noteId: z.string().uuid() }) } },
    async (req, reply) => {
      await removeNote(req.ctx, req.params.id, req.params.noteId);
      return reply.code(204).send();
    },
  );
}
