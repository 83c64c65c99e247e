import type { z } from 'zod';
import { Problem } from '../platform/http/pagination.contract.ts';
import i18n from './i18n/index.ts';
import type { FieldError } from './lib/fieldErrors.ts';

export type { FieldError };

/** An API failure: the server's problem+json (message already in the caller's language), or a network fault. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldError[];
  readonly currentVersion: number | undefined;
  readonly requestId: string | undefined;

  constructor(init: { status: number; code: string; message: string; fieldErrors?: FieldError[]; currentVersion?: number; requestId?: string }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fieldErrors = init.fieldErrors ?? [];
    this.currentVersion = init.currentVersion;
    this.requestId = init.requestId;
  }

  /** 409 on a stale `version`: reload and apply the change again. */
  get isVersionConflict(): boolean {
    return this.status === 409 && this.currentVersion !== undefined;
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError({ status: 0, code: 'client_error', message: e instanceof Error ? e.message : String(e) });
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Set from Me.csrfToken after sign-in; sent as X-CSRF-Token on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request comes back 401 (session expired or signed out elsewhere). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/** `/api/v1` + path + query string; empty values are left out. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

interface RequestOptions<S extends z.ZodType> {
  query?: Query;
  body?: unknown;
  /** validates and types the response */
  schema?: S;
  headers?: Record<string, string>;
}

async function parseProblem(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: fall through to a generic message */
  }
  const parsed = Problem.partial().safeParse(body);
  const p = parsed.success ? parsed.data : {};
  return new ApiError({
    status: res.status,
    code: p.code ?? `http_${res.status}`,
    message: p.message ?? i18n.t('errors.http', { status: res.status }),
    fieldErrors: p.fieldErrors,
    currentVersion: p.currentVersion,
    requestId: p.requestId ?? res.headers.get('x-request-id') ?? undefined,
  });
}

export async function request<S extends z.ZodType = z.ZodUnknown>(method: string, path: string, opts: RequestOptions<S> = {}): Promise<z.infer<S>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError({ status: 0, code: 'network', message: i18n.t('errors.network') });
  }
  if (!res.ok) {
    const error = await parseProblem(res);
    if (res.status === 401 && !path.startsWith('/auth/login')) unauthorizedListeners.forEach((l) => l());
    throw error;
  }
  if (res.status === 204) return undefined as z.infer<S>;
  const data: unknown = await res.json();
  if (!opts.schema) return data as z.infer<S>;
  const checked = opts.schema.safeParse(data);
  if (!checked.success) {
    console.error(`Unexpected response from ${method} ${path}`, checked.error.issues);
    throw new ApiError({ status: res.status, code: 'bad_response', message: i18n.t('errors.badResponse') });
  }
  return checked.data;
}

export const api = {
  get: <S extends z.ZodType>(path: string, schema?: S, query?: Query) => request('GET', path, { schema, query }),
  post: <S extends z.ZodType>(path: string, body?: unknown, schema?: S) => request('POST', path, { body, schema }),
  /** a create: the Idempotency-Key makes a retried submit return the first result instead of a duplicate */
  create: <S extends z.ZodType>(path: string, body: unknown, schema?: S, idempotencyKey: string = newIdempotencyKey()) =>
    request('POST', path, { body, schema, headers: { 'idempotency-key': idempotencyKey } }),
  patch: <S extends z.ZodType>(path: string, body: unknown, schema?: S) => request('PATCH', path, { body, schema }),
  delete: (path: string, query?: Query) => request('DELETE', path, { query }),
};

export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}
