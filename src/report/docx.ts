import { AlignmentType, BorderStyle, Document, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType } from 'docx';
import { beijing, type Block, type ReportDocument } from './document.ts';

/** Writes a brief as Word (.docx) with the docx library: title block, headings, tables, chart images. */
const FONT = { ascii: 'Arial', eastAsia: '宋体', hAnsi: 'Arial' };
const HEADING_FONT = { ascii: 'Arial', eastAsia: '黑体', hAnsi: 'Arial' };

function cell(text: string, header: boolean, width: number): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    children: [new Paragraph({ children: [new TextRun({ text, bold: header, size: 18, font: FONT })] })],
    shading: header ? { fill: 'E8EEF7' } : undefined,
  });
}

/** The text width of A4 with Word's default margins, in twips. */
const TEXT_WIDTH = 11906 - 2 * 1440;

/** Width in half-width units: a Chinese character is as wide as two Latin ones. */
function visualLength(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u2e80-\uffef]/.test(ch) ? 2 : 1;
  return n;
}

/**
 * Column widths in twips, as the PDF's (pdf.ts `columnWidths`): every column at least as wide as its
 * longest run without CJK or spaces (2026-12-07, 100.0%, 1/8 never wrap) at the tables' 9 pt, the
 * rest by the length of the content.
 */
export function docxColumnWidths(columns: string[], rows: (string | number | null)[][]): number[] {
  const HALF = 115; // a half-width character at 9 pt (Arial digits 0.556 em = 100 twips), with a margin
  const cells = columns.map((c, i) => [c, ...rows.map((r) => (r[i] === null || r[i] === undefined ? '—' : String(r[i])))]);
  const mins = cells.map((col) => Math.max(4, ...col.flatMap((t) => t.split(/[\s\u2e80-\uffef]+/).filter(Boolean)).map((w) => w.length)) * HALF + 320);
  const sum = mins.reduce((a, b) => a + b, 0);
  if (sum >= TEXT_WIDTH) return mins.map((m) => Math.floor((m * TEXT_WIDTH) / sum));
  const lengths = cells.map((col) => Math.min(40, Math.max(4, ...col.map(visualLength))));
  const total = lengths.reduce((a, b) => a + b, 0);
  const want = lengths.map((l, i) => Math.max(0, (l / total) * TEXT_WIDTH - mins[i]));
  const wantSum = want.reduce((a, b) => a + b, 0) || 1;
  return mins.map((m, i) => Math.floor(m + ((TEXT_WIDTH - sum) * want[i]) / wantSum));
}

function block(b: Block): (Paragraph | Table)[] {
  switch (b.type) {
    case 'heading':
      // keepNext: a heading never ends a page without what it heads.
      return [new Paragraph({ heading: b.level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2, keepNext: true, keepLines: true, spacing: { before: 240, after: 120 }, children: [new TextRun({ text: b.text, font: HEADING_FONT, bold: true, size: b.level === 1 ? 30 : 26 })] })];
    case 'paragraph':
      return [new Paragraph({ indent: { firstLine: 480 }, spacing: { after: 120, line: 360 }, children: [new TextRun({ text: b.text, font: FONT, size: 24 })] })];
    case 'bullets':
      return b.items.map((item) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: item, font: FONT, size: 22 })] }));
    case 'table': {
      const widths = docxColumnWidths(b.columns, b.rows);
      return [
        new Table({
          width: { size: widths.reduce((a, w) => a + w, 0), type: WidthType.DXA },
          columnWidths: widths,
          layout: TableLayoutType.FIXED,
          rows: [
            new TableRow({ tableHeader: true, cantSplit: true, children: b.columns.map((c, i) => cell(c, true, widths[i])) }),
            ...b.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c === null ? '—' : String(c), false, widths[i])) })),
          ],
        }),
        new Paragraph({ text: '' }),
      ];
    }
    case 'chart': {
      const width = 600;
      const height = Math.round((b.chart.height / b.chart.width) * width);
      return [new Paragraph({ alignment: AlignmentType.CENTER, children: [new ImageRun({ type: 'png', data: b.chart.png, transformation: { width, height }, altText: { name: b.chart.title, title: b.chart.title, description: b.chart.title } })] })];
    }
  }
}

export async function toDocx(doc: ReportDocument): Promise<Buffer> {
  const word = new Document({
    creator: '民声 Minsheng',
    title: `${doc.title}（${doc.subtitle}）`,
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [
      {
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [new TextRun({ text: doc.title, bold: true, size: 44, color: 'C00000', font: HEADING_FONT })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [new TextRun({ text: doc.issue ? `${doc.subtitle}　${doc.issue}` : doc.subtitle, size: 28, font: FONT })] }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: doc.credits ? 60 : 240 },
            children: [new TextRun({ text: `${doc.issuer}　${beijing(doc.generatedAt)}`, size: 22, font: FONT, color: '595959' })],
            ...(doc.credits ? {} : { border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: 'C00000', space: 6 } } }),
          }),
          ...(doc.credits
            ? [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: 'C00000', space: 6 } }, children: [new TextRun({ text: doc.credits, size: 21, font: FONT, color: '595959' })] })]
            : []),
          ...doc.blocks.flatMap(block),
        ],
      },
    ],
  });
  return Packer.toBuffer(word);
}
