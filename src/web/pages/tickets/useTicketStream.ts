import { useEffect, useRef } from 'react';
import { z } from 'zod';

export const StreamUpdate = z.object({
  ticketId: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
  actorName: z.string().nullable(),
  eventType: z.string().nullable(),
});
export type StreamUpdate = z.infer<typeof StreamUpdate>;

/**
 * Subscribes to GET /tickets/:id/events/stream (server-sent events) while the ticket page is open;
 * EventSource reconnects by itself after a network fault.
 */
export function useTicketStream(ticketId: string | undefined, onUpdate: (u: StreamUpdate) => void): void {
  const handler = useRef(onUpdate);
  handler.current = onUpdate;
  useEffect(() => {
    if (!ticketId || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/v1/tickets/${ticketId}/events/stream`, { withCredentials: true });
    const onTicket = (e: MessageEvent<string>) => {
      try {
        const parsed = StreamUpdate.safeParse(JSON.parse(e.data));
        if (parsed.success) handler.current(parsed.data);
      } catch {
        /* not JSON: ignore */
      }
    };
    source.addEventListener('ticket', onTicket);
    return () => {
      source.removeEventListener('ticket', onTicket);
      source.close();
    };
  }, [ticketId]);
}
