import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorHandler, problem } from '../../platform/http/problem.ts';
import { t } from '../../platform/i18n/i18n.ts';
import { DuplicateCustomerError } from './customers.write.ts';

/** A 409 from the duplicate check carries who matched (ids, names, identities) besides the usual problem. */
export function duplicateAwareErrors(error: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (!(error instanceof DuplicateCustomerError)) return errorHandler(error, req, reply);
  const body = {
    ...problem(req.locale, 409, 'duplicate_customer', error.params),
    fieldErrors: (error.extra.fieldErrors ?? []).map((f) => ({ path: f.path, code: f.code, message: t(req.locale, f.code, f.params ?? {}) })),
    duplicates: error.duplicates,
  };
  return reply.code(409).type('application/problem+json; charset=utf-8').send(body);
}
