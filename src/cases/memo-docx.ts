import { AlignmentType, BorderStyle, Document, HeightRule, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { postAnalysisJson } from '../analyze/types.ts';
import { readJson } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVEL_LABELS, isRiskLevel } from '../levels.ts';
import { localDate } from '../time/calendar.ts';
import { localDateTime } from '../time/format.ts';
import { loadCaseSettings } from './settings.ts';
import type { MemoDetail } from './memos.ts';

/**
 * The 《网络舆情抄告单》 as a Word document: the form the office sends to leaders. Above the form the
 * issuing body (发文单位: the bureau's name from the case settings, else the office's) and the
 * 期号 (〔2026〕第 3 期); in it the case, level, source, link, summary, analysis, 承办科室, 办理时限
 * (the date given, else the 批示 clock: the recorded 批示's due time, or "3 working days after
 * the 批示"), 拟办意见, the office's opinion, a space for the leader's 批示 (those recorded are
 * printed in it) and 签发 (who sent it, when).
 */
const FONT = 'SimSun';

function text(value: string, bold = false, size = 24): Paragraph[] {
  return value.split(/\r?\n/).map((line) => new Paragraph({ children: [new TextRun({ text: line, bold, size, font: FONT })] }));
}

function row(label: string, value: string, minHeight?: number): TableRow {
  return new TableRow({
    height: minHeight ? { value: minHeight, rule: HeightRule.ATLEAST } : undefined,
    children: [
      new TableCell({ width: { size: 20, type: WidthType.PERCENTAGE }, children: text(label, true) }),
      new TableCell({ width: { size: 80, type: WidthType.PERCENTAGE }, children: text(value || ' ') }),
    ],
  });
}

/** The memo (as `getMemo` reads it for someone who may see it) as a Word form. */
export async function memoDocx(db: Kysely<Database> | Transaction<Database>, memo: MemoDetail): Promise<{ buffer: Buffer; filename: string }> {
  const c = memo.case;
  const posts = await db
    .selectFrom('case_posts')
    .innerJoin('posts', 'posts.id', 'case_posts.post_id')
    .innerJoin('sources', 'sources.id', 'posts.source_id')
    .select(['posts.url', 'posts.title', 'posts.analysis', 'sources.name as source_name'])
    .where('case_posts.case_id', '=', c.id)
    .orderBy('posts.id')
    .execute();
  const sources = [...new Set(posts.map((p) => p.source_name))].join('、');
  const links = posts.map((p) => p.url).filter((u): u is string => !!u).join('\n');
  const reasons = posts.flatMap((p) => readJson(postAnalysisJson, p.analysis, null)?.risk.reasons ?? []);
  const analysis = memo.analysis ?? [...new Set(reasons)].join('；');
  const leaderSpace = memo.instructions.map((i) => `${i.leader_name ?? ''}（${localDate(i.at)}）：${i.text}`).join('\n');
  const level = isRiskLevel(c.level) ? RISK_LEVEL_LABELS[c.level] : c.level;
  const settings = await loadCaseSettings(db);
  const office = await db.selectFrom('departments').select('name').where('is_office', '=', 1).orderBy('id').executeTakeFirst();
  const issuer = settings.bureau_name.trim() || office?.name || '';
  const department = memo.department_id === null ? '' : ((await db.selectFrom('departments').select('name').where('id', '=', memo.department_id).executeTakeFirst())?.name ?? '');
  const signer = memo.signed_by === null ? null : ((await db.selectFrom('users').select('display_name').where('id', '=', memo.signed_by).executeTakeFirst())?.display_name ?? null);
  const instructionDue = memo.instructions.map((i) => i.due_at).filter((d): d is string => !!d).sort()[0];
  const due = memo.due_at
    ? localDate(memo.due_at)
    : instructionDue
      ? t('memo.due.instruction', { days: settings.instruction_working_days, date: localDateTime(instructionDue) })
      : t('memo.due.afterInstruction', { days: settings.instruction_working_days });
  const issue = memo.issue_year !== null && memo.issue_no !== null ? t('memo.issue', { year: memo.issue_year, no: memo.issue_no }) : '';
  const signed = signer ? `${signer}    ${localDate(memo.signed_at ?? memo.sent_at ?? memo.created_at)}` : '';

  const doc = new Document({
    creator: 'Minsheng',
    title: `${t('memo.title')} ${memo.number}`,
    sections: [
      {
        children: [
          ...(issuer ? [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [new TextRun({ text: issuer, bold: true, size: 32, font: FONT, color: 'C00000' })] })] : []),
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: t('memo.title'), bold: true, size: 36, font: FONT, color: 'C00000' })] }),
          ...(issue ? [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 120 }, children: [new TextRun({ text: issue, size: 24, font: FONT })] })] : []),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: 'C00000', space: 4 } },
            spacing: { after: 160 },
            children: [new TextRun({ text: `${t('memo.field.number')}：${memo.number}    ${t('memo.field.date')}：${localDate(memo.sent_at ?? memo.created_at)}`, size: 21, font: FONT })],
          }),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              row(t('memo.field.case'), `${c.number}  ${c.title}`),
              row(t('memo.field.level'), level),
              row(t('memo.field.source'), sources),
              row(t('memo.field.link'), links),
              row(t('memo.field.summary'), memo.summary, 1200),
              row(t('memo.field.analysis'), analysis, 1200),
              row(t('memo.field.department'), department),
              row(t('memo.field.due'), due),
              row(t('memo.field.suggestion'), memo.suggestion ?? '', 1200),
              row(t('memo.field.officeOpinion'), memo.office_opinion ?? '', 1000),
              row(t('memo.field.leader'), leaderSpace, 2600),
              row(t('memo.field.signed'), signed),
            ],
          }),
        ],
      },
    ],
  });
  return { buffer: await Packer.toBuffer(doc), filename: `memo-${memo.number}.docx` };
}
