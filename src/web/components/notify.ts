import { notifications } from '@mantine/notifications';
import { toApiError } from '../api.ts';
import i18n from '../i18n/index.ts';

/** Toasts: short confirmations of what just happened, and errors that have no better place. */
export function notifySuccess(message: string): void {
  notifications.show({ message, color: 'teal', autoClose: 3500, withBorder: true });
}

export function notifyError(e: unknown): void {
  const error = toApiError(e);
  notifications.show({ title: i18n.t('errors.title'), message: error.message, color: 'red', autoClose: 7000, withBorder: true });
}
