import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { t, type Params } from '../i18n/i18n.ts';
import type { Locale } from '../i18n/i18n.contract.ts';
import type { Problem } from './pagination.contract.ts';
import { AppError, type FieldError } from './errors.ts';

const titles: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  423: 'Locked', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

function fieldErrorKey(issue: { keyword: string; message: string; params: Record<string, unknown> }): { code: string; params: Params } {
  const p = issue.params;
  switch (issue.keyword) {
    case 'invalid_type':
      return /received undefined/.test(issue.message)
        ? { code: 'validation.required', params: {} }
        : { code: 'validation.invalid_type', params: { expected: String(p.expected ?? '') } };
    case 'too_small':
      return { code: p.origin === 'string' ? 'validation.too_small_string' : 'validation.too_small', params: { minimum: String(p.minimum) } };
    case 'too_big':
      return { code: p.origin === 'string' ? 'validation.too_big_string' : 'validation.too_big', params: { maximum: String(p.maximum) } };
    case 'invalid_format':
      return { code: 'validation.invalid_format', params: { format: String(p.format ?? '') } };
    case 'invalid_value':
      return { code: 'validation.invalid_value', params: { values: Array.isArray(p.values) ? p.values.join(', ') : '' } };
    case 'unrecognized_keys':
      return { code: 'validation.unrecognized_keys', params: { keys: Array.isArray(p.keys) ? p.keys.join(', ') : '' } };
    case 'custom': {
      // a contract's refine may name its own catalogue key (`params: { code: 'errors.…' }`) for a precise message
      const own = (p.params ?? {}) as Params & { code?: unknown };
      if (typeof own.code === 'string' && /^(errors|validation)\./.test(own.code)) {
        const { code, ...rest } = own;
        return { code, params: rest };
      }
      return { code: 'validation.invalid', params: {} };
    }
    default:
      return { code: 'validation.invalid', params: {} };
  }
}

function joinPath(context: string | undefined, instancePath: string, keys?: unknown): string {
  const parts = instancePath.split('/').filter(Boolean);
  // unrecognized keys are reported on the parent object: name the offending key itself
  if (Array.isArray(keys) && keys.length === 1) parts.push(String(keys[0]));
  const local = parts.join('.');
  if (!context || context === 'body') return local || 'body';
  return local ? `${context}.${local}` : context;
}

export function problem(locale: Locale, status: number, code: string, params: Params = {}, extra: Partial<Problem> = {}): Problem {
  return {
    type: `about:blank#${code}`,
    status,
    code,
    title: titles[status] ?? 'Error',
    message: t(locale, `errors.${code}`, params),
    ...extra,
  };
}

function localise(locale: Locale, fields: FieldError[]) {
  return fields.map((f) => ({ path: f.path, code: f.code, message: t(locale, f.code, f.params ?? {}) }));
}

export function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}) {
  return reply.code(body.status).headers(headers).type('application/problem+json; charset=utf-8').send(body);
}

/** Every error leaves as application/problem+json in the caller's language; only real faults are 500. */
export function errorHandler(error: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  const locale = req.locale;
  if (error instanceof AppError) {
    const fieldErrors = error.extra.fieldErrors ? localise(locale, error.extra.fieldErrors) : undefined;
    return sendProblem(
      reply,
      problem(locale, error.status, error.code, error.params, {
        ...(fieldErrors ? { fieldErrors } : {}),
        ...(error.extra.currentVersion !== undefined ? { currentVersion: error.extra.currentVersion } : {}),
      }),
      error.extra.headers,
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext;
    const fieldErrors = error.validation.map((issue) => {
      const { code, params } = fieldErrorKey(issue as unknown as { keyword: string; message: string; params: Record<string, unknown> });
      return { path: joinPath(context, issue.instancePath, (issue.params as { keys?: unknown }).keys), code, message: t(locale, code, params) };
    });
    return sendProblem(reply, problem(locale, 400, 'validation_failed', {}, { fieldErrors }));
  }
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(reply, problem(locale, 413, 'payload_too_large', { limit: req.routeOptions.bodyLimit ?? req.server.initialConfig.bodyLimit ?? 0 }));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(reply, problem(locale, 415, 'unsupported_media_type', { type: String(req.headers['content-type'] ?? '') }));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(reply, problem(locale, 400, 'bad_json', { detail: 'empty body' }));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return sendProblem(reply, problem(locale, 400, 'bad_request'));
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 429) return sendProblem(reply, problem(locale, 429, 'rate_limited', { seconds: 60 }));
    return sendProblem(reply, problem(locale, fe.statusCode, 'bad_request', {}, { detail: fe.message }));
  }
  req.log.error({ err: error, requestId: req.id }, 'unhandled error');
  return sendProblem(reply, problem(locale, 500, 'internal', { requestId: req.id }, { requestId: req.id }));
}
