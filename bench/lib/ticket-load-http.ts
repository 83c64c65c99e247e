import { ticketHistory } from './ticket-history.ts';
import { benchTeams, type LoadFigures } from './ticket-load.ts';

export interface HttpAuth {
  cookie: string;
  csrf: string;
}

async function call<T>(baseUrl: string, auth: HttpAuth, method: string, path: string, body?: string, type = 'application/json'): Promise<{ status: number; json: T }> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers: { cookie: auth.cookie, 'x-csrf-token': auth.csrf, ...(body !== undefined ? { 'content-type': type } : {}) }, body });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}

/** The bench queues of the demo organisation, created through the API; returns team name → id. */
export async function ensureTeamsHttp(baseUrl: string, auth: HttpAuth): Promise<Map<string, string>> {
  for (const name of benchTeams) {
    const r = await call(baseUrl, auth, 'POST', '/api/v1/teams', JSON.stringify({ name }));
    if (r.status !== 201 && r.status !== 409) throw new Error(`creating team ${name} answered ${r.status}: ${JSON.stringify(r.json).slice(0, 200)}`);
  }
  const list = await call<{ items: { id: string; name: string }[] } | { id: string; name: string }[]>(baseUrl, auth, 'GET', '/api/v1/teams');
  const items = Array.isArray(list.json) ? list.json : list.json.items;
  return new Map(items.map((t) => [t.name, t.id]));
}

/**
 * Loads `count` tickets into the demo organisation through `POST /api/v1/import/tickets`, in files small
 * enough to be imported inside the request. The way in for PGlite, whose data directory only the server may
 * open; the same engine as the in-process loader, plus HTTP and one request per file.
 */
export async function loadHistoryHttp(baseUrl: string, auth: HttpAuth, count: number, log: (m: string) => void, fileLines = 500): Promise<LoadFigures> {
  const users = await call<{ items: { name: string; email: string; roles: string[] }[] }>(baseUrl, auth, 'GET', '/api/v1/users?limit=200');
  const agents = users.json.items.filter((u) => u.roles.includes('agent') || u.roles.includes('specialist')).map((u) => ({ name: u.name, email: u.email }));
  if (agents.length === 0) throw new Error('the demo organisation has no agents to author the history');
  const gen = ticketHistory({ tenantIndex: 0, count, teams: benchTeams, agents });
  let imported = 0;
  let failed = 0;
  let firstError: unknown = null;
  let generateMs = 0;
  const t0 = performance.now();
  let lastLog = t0;
  for (;;) {
    const g0 = performance.now();
    const lines: string[] = [];
    for (let i = 0; i < fileLines; i++) {
      const next = gen.next();
      if (next.done) break;
      lines.push(next.value);
    }
    generateMs += performance.now() - g0;
    if (lines.length === 0) break;
    const r = await call<{ imported: number; failed: number; errors?: unknown[] }>(baseUrl, auth, 'POST', '/api/v1/import/tickets', lines.join('\n'), 'application/x-ndjson');
    if (r.status !== 201) throw new Error(`import answered ${r.status}: ${JSON.stringify(r.json).slice(0, 300)}`);
    imported += r.json.imported;
    failed += r.json.failed;
    if (r.json.failed && firstError === null) firstError = r.json.errors?.[0] ?? null;
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      log(`tickets: ${imported.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} imported over HTTP…`);
    }
  }
  return { tickets: count, imported, failed, seconds: (performance.now() - t0) / 1000, generateSeconds: generateMs / 1000, firstError };
}
