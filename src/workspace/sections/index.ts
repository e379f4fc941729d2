import type { WorkspaceSection } from '../section.ts';
import { departmentsSection } from './departments.ts';
import { usersSection } from './users.ts';

/** Every section of the workspace file. A stage adds its file and one line here. */
export const sections: WorkspaceSection<any>[] = [departmentsSection, usersSection].sort((a, b) => a.order - b.order);
