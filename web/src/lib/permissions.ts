import { roleMay, type Action } from '../../../src/auth/permissions.ts';
import type { Role } from './navigation.ts';

/**
 * Which buttons the console shows to which role: the server's own permission table
 * (src/auth/permissions.ts). The server decides; this only avoids offering what would be refused.
 */
export type UiAction = Action;

export function may(role: Role, action: UiAction): boolean {
  return roleMay(role, action);
}
