import type { Kysely } from 'kysely';
import { stringify } from 'yaml';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { assertCan, can } from '../auth/policy.ts';
import { generatePassword } from '../auth/password.ts';
import type { Database } from '../db/schema.ts';
import { num } from '../db/values.ts';
import { DEMO_DEPARTMENTS, DEMO_USERS, optionalSections } from '../demo/workspace.ts';
import { shapeOf } from '../shapes.ts';
import { sections } from './sections/index.ts';
import { applyResultSchema, applyWorkspace } from './workspace.ts';

/**
 * The first-run checklist of a fresh workspace (departments → users → sources → watch rules →
 * channels → a test message that arrived), each step done when the workspace shows it, and
 * the example workspace an administrator can import to start from.
 */
export const SETUP_STEPS = ['departments', 'users', 'sources', 'rules', 'channels', 'test'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

async function count(db: Kysely<Database>, table: 'departments' | 'sources' | 'watch_rules' | 'channels', where?: (q: any) => any): Promise<number> {
  let q = db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n'));
  if (where) q = where(q);
  return num((await q.executeTakeFirstOrThrow()).n);
}

export async function setupChecklist(db: Kysely<Database>, actor: Actor) {
  assertCan(actor, 'settings.manage');
  const users = num((await db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).where('role', '!=', 'admin').executeTakeFirstOrThrow()).n);
  const counts: Record<SetupStep, number> = {
    departments: await count(db, 'departments'),
    users,
    sources: await count(db, 'sources'),
    rules: await count(db, 'watch_rules'),
    // A channel that reaches people outside the console (a group robot, e-mail, a webhook).
    channels: await count(db, 'channels', (q) => q.where('kind', '!=', 'inapp')),
    test: await count(db, 'channels', (q) => q.where('kind', '!=', 'inapp').where('last_success_at', 'is not', null)),
  };
  const steps = SETUP_STEPS.map((key) => ({ key, count: counts[key], done: counts[key] > 0 }));
  return { steps, done: steps.every((s) => s.done), can_import_example: can(actor, 'workspace.apply') };
}

export const setupChecklistSchema = shapeOf<Awaited<ReturnType<typeof setupChecklist>>>()({
  steps: z.array(shapeOf<Awaited<ReturnType<typeof setupChecklist>>['steps'][number]>()({ key: z.enum(SETUP_STEPS), count: z.number(), done: z.boolean() })),
  done: z.boolean().describe('every step done'),
  can_import_example: z.boolean().describe('this user may import the example workspace (administrators)'),
});

/**
 * The example workspace: the demo's county 住建局 (departments, a user of each role, watch rules,
 * a watch period, the in-app channels, taxonomy, a reply template) without the demo's sites,
 * each user with a freshly generated password.
 */
export function exampleWorkspace(): { yaml: string; users: { username: string; name: string; role: string; password: string }[] } {
  const users = DEMO_USERS.filter((u) => u.role !== 'admin').map((u) => ({ ...u, password: generatePassword() }));
  const known = new Set(sections.map((s) => s.key));
  const doc: Record<string, unknown> = { version: 1, departments: DEMO_DEPARTMENTS, users };
  for (const [key, items] of Object.entries(optionalSections(null))) if (known.has(key) && items.length) doc[key] = items;
  return { yaml: stringify(doc), users: users.map((u) => ({ username: u.username, name: u.name, role: u.role, password: u.password })) };
}

export async function importExampleWorkspace(db: Kysely<Database>, actor: Actor) {
  assertCan(actor, 'workspace.apply');
  const example = exampleWorkspace();
  const result = await applyWorkspace(db, actor, example.yaml);
  return { result, users: example.users };
}

export const exampleImportSchema = z.object({
  result: applyResultSchema,
  users: z.array(z.object({ username: z.string(), name: z.string(), role: z.string(), password: z.string().describe('generated; shown this once') })),
});
