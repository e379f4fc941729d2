import type { Role } from './navigation.ts';

/**
 * Which buttons the console shows to which role: a mirror of src/auth/policy.ts for the actions
 * the pages offer. The server decides; this only avoids offering what would be refused.
 */
const allowed = {
  'cases.open': ['admin', 'office', 'responder', 'head'],
  'cases.assign': ['admin', 'office'],
  'cases.draft': ['office', 'responder', 'head'],
  'cases.approve': ['office', 'head', 'leader'],
  'cases.recordReply': ['office', 'responder', 'head'],
  'cases.follow': ['office', 'responder', 'head'],
  'cases.close': ['office', 'head'],
  'cases.escalate': ['office', 'responder', 'head'],
  'memos.create': ['office'],
  'memos.instruct': ['leader'],
  'commitments.manage': ['office', 'responder', 'head'],
  'posts.label': ['admin', 'office', 'responder', 'head'],
  'sources.manage': ['admin', 'office'],
  'rules.manage': ['admin', 'office'],
  'channels.manage': ['admin', 'office'],
  'taxonomy.manage': ['admin', 'office'],
  'templates.manage': ['admin', 'office'],
  'settings.manage': ['admin', 'office'],
} as const satisfies Record<string, readonly Role[]>;

export type UiAction = keyof typeof allowed;

export function may(role: Role, action: UiAction): boolean {
  return (allowed[action] as readonly Role[]).includes(role);
}
