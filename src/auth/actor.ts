import { userInfo } from 'node:os';
import type { Role } from './roles.ts';

/** Who is doing something: a logged-in user, the CLI operator, or the system itself. */
export interface Actor {
  id: number | null;
  name: string;
  role: Role;
  departmentId: number | null;
  via: 'api' | 'cli' | 'system';
}

export function cliActor(): Actor {
  let who = 'operator';
  try {
    who = userInfo().username;
  } catch {
    /* no passwd entry in some containers */
  }
  return { id: null, name: `cli:${who}`, role: 'admin', departmentId: null, via: 'cli' };
}

export const systemActor: Actor = { id: null, name: 'system', role: 'admin', departmentId: null, via: 'system' };
