/** The roles of people (DESIGN §2). Pure data: the schema, the policy and the console read it. */
export const ROLES = ['admin', 'office', 'responder', 'head', 'leader'] as const;
export type Role = (typeof ROLES)[number];
