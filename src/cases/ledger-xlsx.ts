import ExcelJS from 'exceljs';
import { localDateTime } from '../time/format.ts';
import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Database } from '../db/schema.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVEL_LABELS, isRiskLevel } from '../levels.ts';
import { listLedger, type LedgerItem, type LedgerQuery } from './ledger.ts';

/**
 * The ledger as .xlsx (exceljs): the same filters and scope as the listing, times in Beijing
 * time as text so WPS and LibreOffice show them the same way, a frozen header and a filter.
 */
export const LEDGER_EXPORT_MAX = 50_000;
const PAGE = 10_000;

export async function ledgerXlsx(db: Kysely<Database>, actor: Actor, query: LedgerQuery): Promise<Buffer> {
  const items: LedgerItem[] = [];
  for (let offset = 0; offset < LEDGER_EXPORT_MAX; offset += PAGE) {
    const page = (await listLedger(db, actor, { ...query, limit: PAGE, offset })).items;
    items.push(...page);
    if (page.length < PAGE) break;
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Minsheng';
  wb.created = new Date();
  const ws = wb.addWorksheet(t('ledger.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: t('ledger.col.number'), key: 'number', width: 12 },
    { header: t('ledger.col.title'), key: 'title', width: 40 },
    { header: t('ledger.col.state'), key: 'state', width: 10 },
    { header: t('ledger.col.level'), key: 'level', width: 10 },
    { header: t('ledger.col.lead'), key: 'lead', width: 14 },
    { header: t('ledger.col.assisting'), key: 'assisting', width: 20 },
    { header: t('ledger.col.openedAt'), key: 'opened', width: 18 },
    { header: t('ledger.col.deadline'), key: 'deadline', width: 18 },
    { header: t('ledger.col.deadlineKind'), key: 'kind', width: 20 },
    { header: t('ledger.col.overdue'), key: 'overdue', width: 8 },
    { header: t('ledger.col.repliedAt'), key: 'replied', width: 18 },
    { header: t('ledger.col.closedAt'), key: 'closed', width: 18 },
    { header: t('ledger.col.closedWithOpen'), key: 'closedWithOpen', width: 30 },
    { header: t('ledger.col.closeReason'), key: 'closeReason', width: 36 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const c of items) {
    ws.addRow({
      number: c.number,
      title: c.title,
      state: c.state_label,
      level: isRiskLevel(c.level) ? RISK_LEVEL_LABELS[c.level] : c.level,
      lead: c.lead_department ?? '',
      assisting: c.assisting.map((a) => a.name).join('、'),
      opened: localDateTime(c.opened_at),
      deadline: localDateTime(c.deadline_at),
      kind: c.deadline_kind ? t(`case.deadline.${c.deadline_kind}`) : '',
      overdue: c.overdue ? t('ledger.yes') : t('ledger.no'),
      replied: localDateTime(c.replied_at),
      closed: localDateTime(c.closed_at),
      closedWithOpen: c.closed_with_open ?? '',
      closeReason: c.close_reason ?? '',
    });
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: ws.columns.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
