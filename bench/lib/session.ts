import { DEMO_PASSWORD } from '../../scripts/demo-data.ts';

/** Demo admin of the `demo` organisation, created by the server's own seeding on an empty database. */
export const demoAdmin = { tenant: 'demo', email: 'admin@demo.example', password: DEMO_PASSWORD };

/** Signs in through the real endpoint and returns the `Cookie` header value carrying the session. */
export async function signIn(baseUrl: string, who = demoAdmin): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`sign-in as ${who.email} failed: ${res.status} ${body.slice(0, 300)}`);
  const sid = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('sid='));
  if (!sid) throw new Error('sign-in answered 200 but set no sid cookie');
  return sid;
}

/** One request outside the load, so a broken endpoint fails loudly instead of showing up as a fast error rate. */
export async function expectOk(url: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 300)}`);
}
