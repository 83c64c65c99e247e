/**
 * The event types integrators may subscribe to (webhooks, UI pickers). Each module adds its own at load
 * time with `registerEventTypes('ticket.created', …)`; the platform's are listed here.
 */
const known = new Set<string>([
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.password_reset',
  'team.created',
  'team.updated',
  'team.deleted',
  'settings.updated',
  'api_token.created',
  'api_token.revoked',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.test',
]);

export const eventTypePattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function registerEventTypes(...types: string[]): void {
  for (const t of types) {
    if (!eventTypePattern.test(t)) throw new Error(`event type "${t}" must look like "entity.action"`);
    known.add(t);
  }
}

export function knownEventTypes(): string[] {
  return [...known].sort();
}

export function isKnownEventType(type: string): boolean {
  return known.has(type);
}

/** '*' matches everything, 'user.*' every type starting with 'user.', anything else itself. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
