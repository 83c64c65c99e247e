import { useEffect, useState } from 'react';
import { z } from 'zod';
import { Team } from '../../platform/teams/teams.contract.ts';
import { User } from '../../platform/auth/users.contract.ts';
import { page } from '../../platform/http/pagination.contract.ts';
import { api } from '../api.ts';

export interface Directory {
  users: Map<string, { id: string; name: string; email: string }>;
  teams: Team[];
  loaded: boolean;
}

const UserPage = page(User);
const TeamPage = page(Team);
let cached: Promise<Omit<Directory, 'loaded'>> | null = null;

async function loadAll<T>(path: string, schema: z.ZodType<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10; i++) {
    const p = await api.get(path, schema, { limit: 200, cursor });
    out.push(...p.items);
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  return out;
}

/** Names of the organisation's users and teams (loaded once per page load; for labels and pickers). */
export function useDirectory(): Directory {
  const [dir, setDir] = useState<Directory>({ users: new Map(), teams: [], loaded: false });
  useEffect(() => {
    cached ??= Promise.all([loadAll('/users', UserPage).catch(() => []), loadAll('/teams', TeamPage).catch(() => [])]).then(([users, teams]) => ({
      users: new Map(users.map((u) => [u.id, { id: u.id, name: u.name, email: u.email }])),
      teams,
    }));
    let live = true;
    void cached.then((d) => live && setDir({ ...d, loaded: true }));
    return () => {
      live = false;
    };
  }, []);
  return dir;
}

/** Forget the cache (after an admin changes users or teams). */
export function resetDirectory(): void {
  cached = null;
}
