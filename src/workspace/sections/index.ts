import type { WorkspaceSection } from '../section.ts';
import { departmentsSection } from './departments.ts';
import { alertSettingsSection, channelsSection } from './channels.ts';
import { caseSettingsSection, replyTemplatesSection } from './reply-templates.ts';
import { usersSection } from './users.ts';

/** Every section of the workspace file. A stage adds its file and one line here. */
export const sections: WorkspaceSection<any>[] = [departmentsSection, usersSection, replyTemplatesSection, caseSettingsSection, channelsSection, alertSettingsSection].sort((a, b) => a.order - b.order);
