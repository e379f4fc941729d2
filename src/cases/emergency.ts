import type { Transaction } from 'kysely';
import { enqueueNotice } from '../alert/outbox.ts';
import type { Database } from '../db/schema.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVEL_LABELS } from '../levels.ts';
import type { CaseRow } from './access.ts';
import { loadCaseSettings } from './settings.ts';

/**
 * A case opened at, or raised to, 重大/特别重大 without the emergency clocks proposes them (5 h / 24 h,
 * 国办发〔2016〕61号/80号; `cases.emergency_proposed`). The office decides on the case page; it and
 * the leaders are told at once (alert/recipients.ts), in the leaders' channels too. Once per case
 * and proposal: a proposal set aside and made again (the case raised again) tells them again.
 */
export async function announceEmergencyProposal(trx: Transaction<Database>, c: CaseRow): Promise<void> {
  if (c.emergency_proposed !== 1) return;
  const settings = await loadCaseSettings(trx);
  await enqueueNotice(trx, {
    kind: 'case.emergency',
    key: `case.emergency|case:${c.id}|${c.updated_at}`,
    level: c.level,
    title: t('notice.case.emergencyProposed', { number: c.number, title: c.title, level: RISK_LEVEL_LABELS[c.level] }),
    body: t('notice.case.emergencyProposedBody', { info: settings.emergency_info_hours, press: settings.emergency_press_hours }),
    departmentId: null,
    caseId: c.id,
    officeOnly: true,
    alsoLeaders: true,
  });
}
