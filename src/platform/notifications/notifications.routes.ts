import { z } from 'zod';
import type { App } from '../http/types.ts';
import { Notification, NotificationListQuery, NotificationPage, ReadAllResult } from './notifications.contract.ts';
import { listNotifications, markAllRead, markRead } from './notifications.service.ts';

const tags = ['notifications'];

/** Every route answers for the signed-in user only: tenant and user filter each query in the service. */
export function notificationsRoutes(app: App) {
  app.get(
    '/api/v1/notifications',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'My notifications, newest first, with the unread count', querystring: NotificationListQuery, response: { 200: NotificationPage } } },
    (req) => listNotifications(req.ctx, req.query),
  );
  app.post(
    '/api/v1/notifications/read-all',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Mark all my notifications read', response: { 200: ReadAllResult } } },
    (req) => markAllRead(req.ctx),
  );
  app.post(
    '/api/v1/notifications/:id/read',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Mark one of my notifications read', params: z.object({ id: z.string().uuid() }), response: { 200: Notification } } },
    (req) => markRead(req.ctx, req.params.id),
  );
}
