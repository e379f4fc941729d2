import type { WorkspaceSection } from '../section.ts';
import { departmentsSection } from './departments.ts';
import { dictionarySection } from './dictionary.ts';
import { taxonomySection } from './taxonomy.ts';
import { alertSettingsSection, channelsSection } from './channels.ts';
import { caseSettingsSection, replyTemplatesSection } from './reply-templates.ts';
import { namedDatesSection } from './named-dates.ts';
import { reportSchedulesSection } from './report-schedules.ts';
import { usersSection } from './users.ts';
import { watchPeriodsSection } from './watch-periods.ts';
import { watchRulesSection } from './watch-rules.ts';
import { sourcesSection } from './sources.ts';
import { timeSection } from './time.ts';

/** Every section of the workspace file. A stage adds its file and one line here. */
export const sections: WorkspaceSection<any>[] = [departmentsSection, usersSection, replyTemplatesSection, caseSettingsSection, channelsSection, alertSettingsSection, watchRulesSection, watchPeriodsSection, taxonomySection, dictionarySection, namedDatesSection, reportSchedulesSection, sourcesSection, timeSection].sort((a, b) => a.order - b.order);
