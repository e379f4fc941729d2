import type { Role } from './roles.ts';

/**
 * Who may do what (DESIGN §2): the one table, read by the server's policy (src/auth/policy.ts)
 * and by the console to offer only the buttons a role may use. Pure data, no imports at run time.
 */
export const permissions = {
  'users.manage': ['admin'],
  'departments.manage': ['admin'],
  'settings.manage': ['admin', 'office'],
  'workspace.apply': ['admin'],
  'workspace.export': ['admin', 'office'],
  'audit.read': ['admin', 'office'],
  'sources.manage': ['admin', 'office'],
  'rules.manage': ['admin', 'office'],
  'channels.manage': ['admin', 'office'],
  'taxonomy.manage': ['admin', 'office'],
  'templates.manage': ['admin', 'office'],
  'posts.read': ['admin', 'office', 'responder', 'head', 'leader'],
  'posts.create': ['admin', 'office', 'responder'],
  'posts.label': ['admin', 'office', 'responder', 'head'],
  /** Merge and split events by hand (issue 17, part 5). */
  'events.manage': ['admin', 'office'],
  'alerts.read': ['admin', 'office', 'responder', 'head', 'leader'],
  'alerts.ack': ['admin', 'office', 'responder', 'head', 'leader'],
  'cases.read': ['admin', 'office', 'responder', 'head', 'leader'],
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
  'commitments.waive': ['office'],
  'accounts.register': ['office', 'responder', 'head'],
  'accounts.readAll': ['admin', 'office', 'leader'],
  'reports.read': ['admin', 'office', 'head', 'leader'],
  'departments.read': ['admin', 'office', 'responder', 'head', 'leader'],
  'users.read': ['admin', 'office', 'head', 'leader'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;

export function roleMay(role: Role, action: Action): boolean {
  return (permissions[action] as readonly Role[]).includes(role);
}
