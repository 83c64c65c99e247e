import type { App } from './types.ts';
import { problem, sendProblem } from './problem.ts';

export function healthRoutes(app: App) {
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    let ready = false;
    try {
      ready = await app.deps.database.ready();
    } catch {
      ready = false;
    }
    if (!ready) return sendProblem(reply, problem(req.locale, 503, 'service_unavailable'));
    return { status: 'ready', database: app.deps.database.kind };
  });
}
