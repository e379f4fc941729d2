import { AlignmentType, Document, HeightRule, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { postAnalysisJson } from '../analyze/types.ts';
import { readJson } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVEL_LABELS, isRiskLevel } from '../levels.ts';
import { localDate } from '../time/calendar.ts';
import type { MemoDetail } from './memos.ts';

/**
 * The 《网络舆情抄告单》 as a Word document: the form the office sends to leaders, with the
 * case number, source, link, summary, analysis, suggested handling, the office's opinion and a
 * space for the leader's 批示 (instructions already recorded are printed in it).
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

  const doc = new Document({
    creator: 'Minsheng',
    title: `${t('memo.title')} ${memo.number}`,
    sections: [
      {
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: t('memo.title'), bold: true, size: 36, font: FONT })] }),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
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
              row(t('memo.field.suggestion'), memo.suggestion ?? '', 1200),
              row(t('memo.field.officeOpinion'), memo.office_opinion ?? '', 1200),
              row(t('memo.field.leader'), leaderSpace, 2800),
            ],
          }),
        ],
      },
    ],
  });
  return { buffer: await Packer.toBuffer(doc), filename: `memo-${memo.number}.docx` };
}
