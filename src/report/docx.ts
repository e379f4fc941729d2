import { AlignmentType, BorderStyle, Document, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { beijing, type Block, type ReportDocument } from './document.ts';

/** Writes a brief as Word (.docx) with the docx library: title block, headings, tables, chart images. */
const FONT = { ascii: 'Arial', eastAsia: '宋体', hAnsi: 'Arial' };
const HEADING_FONT = { ascii: 'Arial', eastAsia: '黑体', hAnsi: 'Arial' };

function cell(text: string, header: boolean): TableCell {
  return new TableCell({
    children: [new Paragraph({ children: [new TextRun({ text, bold: header, size: 18, font: FONT })] })],
    shading: header ? { fill: 'E8EEF7' } : undefined,
  });
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
    case 'table':
      return [
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [
            new TableRow({ tableHeader: true, children: b.columns.map((c) => cell(c, true)) }),
            ...b.rows.map((r) => new TableRow({ children: r.map((c) => cell(c === null ? '—' : String(c), false)) })),
          ],
        }),
        new Paragraph({ text: '' }),
      ];
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
