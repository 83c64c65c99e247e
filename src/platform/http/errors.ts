import type { Params } from '../i18n/i18n.ts';

export interface FieldError {
  path: string;
  /** a validation.* or errors.* key */
  code: string;
  params?: Params;
}

/** A failure the caller can act on; turned into application/problem+json in the caller's language. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Params = {},
    readonly extra: { currentVersion?: number; fieldErrors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(code);
  }
}

export const notFound = () => new AppError(404, 'not_found');
export const forbidden = () => new AppError(403, 'forbidden');
export const unauthenticated = () => new AppError(401, 'unauthenticated');
export const versionConflict = (entity: string, currentVersion: number) =>
  new AppError(409, 'version_conflict', { entity, currentVersion }, { currentVersion });
export const fieldError = (path: string, code: string, status = 422, params: Params = {}) =>
  new AppError(status, 'validation_failed', {}, { fieldErrors: [{ path, code: `errors.${code}`, params }] });
