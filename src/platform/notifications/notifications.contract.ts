import { z } from 'zod';

/** What the bell shows: the web app renders the title from `kind` + `params` in the reader's language. */
export const NotificationParams = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type NotificationParams = z.infer<typeof NotificationParams>;

export const Notification = z.object({
  id: z.string().uuid(),
  kind: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  params: NotificationParams,
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  unread: z.enum(['true', 'false']).optional(),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

export const NotificationPage = z.object({ items: z.array(Notification), nextCursor: z.string().nullable(), unreadCount: z.number().int() });
export type NotificationPage = z.infer<typeof NotificationPage>;

export const ReadAllResult = z.object({ updated: z.number().int(), unreadCount: z.number().int() });
