import { useCallback, useState } from 'react';
import type { FormErrors } from '@mantine/form';
import { ApiError, newIdempotencyKey, toApiError } from '../api.ts';
import { mapFieldErrors } from '../lib/fieldErrors.ts';

interface FormLike {
  setErrors: (errors: FormErrors) => void;
  getValues: () => object;
}

export interface Submit<V> {
  /** pass to form.onSubmit */
  submit: (values: V) => Promise<void>;
  submitting: boolean;
  /** the error that is not about one field (shown by <ErrorAlert> in the form) */
  error: ApiError | null;
  clearError: () => void;
}

/** Runs an API call for a form: busy state, server field errors onto the fields, the rest as one error. */
export function useSubmit<V>(form: FormLike, action: (values: V) => Promise<void>): Submit<V> {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = useCallback(
    async (values: V) => {
      setSubmitting(true);
      setError(null);
      try {
        await action(values);
      } catch (e) {
        const err = toApiError(e);
        const { mapped, unmapped } = mapFieldErrors(err.fieldErrors, Object.keys(form.getValues()));
        form.setErrors(mapped);
        if (Object.keys(mapped).length === 0 || unmapped.length > 0) setError(err);
      } finally {
        setSubmitting(false);
      }
    },
    [action, form],
  );
  return { submit, submitting, error, clearError: () => setError(null) };
}

/** One Idempotency-Key per create dialog; renewed after a failure so a corrected retry is a new request. */
export function useIdempotencyKey(): [string, () => void] {
  const [key, setKey] = useState(newIdempotencyKey);
  return [key, useCallback(() => setKey(newIdempotencyKey()), [])];
}
