/** Platform notifications: modules call notify() from their event subscribers; the bell reads the routes. */
export { notify, type NewNotification } from './notifications.service.ts';
export { notifications } from './notifications.schema.ts';
