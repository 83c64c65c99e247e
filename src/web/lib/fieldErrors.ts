/** A problem's field error: `path` as the server reports it (e.g. "email", "members.0.userId"). */
export interface FieldError {
  path: string;
  code: string;
  message: string;
}

/** Form errors by field name (what @mantine/form's setErrors takes). */
export type FieldMessages = Record<string, string>;

/**
 * Splits a problem's fieldErrors into those that belong to a form field (server path "email" or
 * "members.0.userId" → field "email" / "members") and the rest, which the form shows as an alert.
 */
export function mapFieldErrors(fieldErrors: FieldError[], fields: readonly string[]): { mapped: FieldMessages; unmapped: FieldError[] } {
  const known = new Set(fields);
  const mapped: FieldMessages = {};
  const unmapped: FieldError[] = [];
  for (const fe of fieldErrors) {
    const path = fe.path.replace(/^body\.?/, '');
    const key = known.has(path) ? path : known.has(path.split('.')[0]) ? path.split('.')[0] : null;
    if (key && mapped[key] === undefined) mapped[key] = fe.message;
    else if (!key) unmapped.push(fe);
  }
  return { mapped, unmapped };
}


/** Every field error by its server path, for forms whose fields are named as the API names them. */
export function fieldMessages(fieldErrors: FieldError[]): FieldMessages {
  return Object.fromEntries(fieldErrors.map((f) => [f.path, f.message]));
}
