import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { atLeast, type RiskLevel } from '../levels.ts';
import { addHours, addWorkingDays } from '../time/calendar.ts';
import type { CaseSettings } from './settings.ts';

/**
 * Deadlines (DESIGN §1): found the same day → answered the same working day (or the national
 * 48 hours when the same-day rule is off); 特别重大/重大 emergencies: authoritative information
 * within 5 hours and a press conference within 24 hours (plain hours, holidays included);
 * a leader's 批示 within 3 working days (调休-aware, from calendar.ts).
 */
export type DeadlineKind = 'same_day' | 'hours_48' | 'emergency_5h' | 'press_24h' | 'instruction_3d';

export interface CaseDeadlines {
  deadlineAt: string;
  deadlineKind: DeadlineKind;
  /** Only for emergencies. */
  pressDeadlineAt: string | null;
}

/** Whether the emergency clocks apply: flagged an emergency and at 重大 (orange) or above. */
export function isEmergency(level: string, emergency: boolean): boolean {
  return emergency && atLeast(level, 'orange');
}

/**
 * The answer deadline: the emergency clocks; else the same working day, unless the same-day rule
 * is off, the level is one of `general_hours_levels`, or the lead department runs the 48-hour
 * clock (`departments.general_hours`), which give `general_hours` plain hours.
 */
export function answerDeadlines(foundAt: string | Date, level: string, emergency: boolean, settings: CaseSettings, departmentGeneralHours = false): CaseDeadlines {
  if (isEmergency(level, emergency)) {
    return {
      deadlineAt: addHours(foundAt, settings.emergency_info_hours).toISOString(),
      deadlineKind: 'emergency_5h',
      pressDeadlineAt: addHours(foundAt, settings.emergency_press_hours).toISOString(),
    };
  }
  if (settings.same_day && !departmentGeneralHours && !(settings.general_hours_levels ?? []).includes(level as RiskLevel)) return { deadlineAt: addWorkingDays(foundAt, 0).toISOString(), deadlineKind: 'same_day', pressDeadlineAt: null };
  return { deadlineAt: addHours(foundAt, settings.general_hours).toISOString(), deadlineKind: 'hours_48', pressDeadlineAt: null };
}

export function instructionDue(at: string | Date, settings: CaseSettings): string {
  return addWorkingDays(at, settings.instruction_working_days).toISOString();
}

/** How long before a deadline the reminder goes out. */
export function reminderLeadMs(kind: string, settings: CaseSettings): number {
  const minutes = kind === 'emergency_5h' || kind === 'press_24h' ? settings.emergency_reminder_minutes : settings.reminder_minutes;
  return minutes * 60_000;
}

/** Whether the department (a case's lead) runs the 48-hour clock; no department: no. */
export async function departmentGeneralHours(db: Kysely<Database> | Transaction<Database>, departmentId: number | null): Promise<boolean> {
  if (departmentId === null) return false;
  const row = await db.selectFrom('departments').select('general_hours').where('id', '=', departmentId).executeTakeFirst();
  return row?.general_hours === 1;
}
