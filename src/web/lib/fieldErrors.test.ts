import { describe, expect, it } from 'vitest';
import { mapFieldErrors } from './fieldErrors.ts';

describe('mapFieldErrors', () => {
  it('puts server field errors on the matching form fields and keeps the rest', () => {
    const { mapped, unmapped } = mapFieldErrors(
      [
        { path: 'email', code: 'errors.email_taken', message: 'taken' },
        { path: 'members.0.userId', code: 'validation.invalid_format', message: 'bad id' },
        { path: 'body.name', code: 'validation.required', message: 'required' },
        { path: 'version', code: 'validation.required', message: 'no version' },
      ],
      ['email', 'name', 'members'],
    );
    expect(mapped).toEqual({ email: 'taken', members: 'bad id', name: 'required' });
    expect(unmapped.map((f) => f.path)).toEqual(['version']);
  });

  it('keeps the first message when a field has several', () => {
    const { mapped } = mapFieldErrors(
      [
        { path: 'roles.0', code: 'a', message: 'first' },
        { path: 'roles.1', code: 'b', message: 'second' },
      ],
      ['roles'],
    );
    expect(mapped).toEqual({ roles: 'first' });
  });
});
