import PDFDocument from 'pdfkit';
import { beijing, type Block, type ReportDocument } from './document.ts';
import { findCjkFont } from './fonts.ts';

/**
 * Writes a brief as PDF with pdfkit and the CJK font (Noto Sans CJK), so Chinese text is real,
 * searchable text. Tables are drawn as simple ruled grids that break across pages.
 */
const MARGIN = 50;

type Doc = InstanceType<typeof PDFDocument>;

/** Width in half-width units: a Chinese character is as wide as two Latin ones. */
function visualLength(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u2e80-\uffef]/.test(ch) ? 2 : 1;
  return n;
}

function ensureSpace(pdf: Doc, height: number) {
  if (pdf.y + height > pdf.page.height - MARGIN) pdf.addPage();
}

/** The parts of a cell that must never break: runs without CJK or spaces (numbers, 1/8, 100.0%, dates). */
function unbreakable(text: string): string[] {
  return text.split(/[\s\u2e80-\uffef]+/).filter(Boolean);
}

/**
 * Column widths for a table: every column at least as wide as its longest unbreakable run (so
 * 1/8 or 100.0% never wraps a character per line) and as two CJK characters; what is left goes
 * to the columns by the length of their content. When even the minimums do not fit, the font
 * shrinks (down to 6 pt) until they do.
 */
export function columnWidths(pdf: Doc, columns: string[], rows: (string | number | null)[][], width: number, fontSize: number): { widths: number[]; fontSize: number } {
  const cells = columns.map((c, i) => [c, ...rows.map((r) => (r[i] === null || r[i] === undefined ? '—' : String(r[i])))]);
  let size = fontSize;
  for (;;) {
    pdf.fontSize(size);
    const pad = 6;
    const mins = cells.map((col) => Math.max(pdf.widthOfString('国国'), ...col.flatMap(unbreakable).map((w) => pdf.widthOfString(w))) + pad + 1);
    const sum = mins.reduce((a, b) => a + b, 0);
    if (sum <= width || size <= 6) {
      const lengths = cells.map((col) => Math.min(40, Math.max(4, ...col.map(visualLength))));
      const spare = Math.max(0, width - sum);
      const total = lengths.reduce((a, b) => a + b, 0);
      // Spare width goes where the text is long, beyond what each column already has.
      const want = lengths.map((l, i) => Math.max(0, (l / total) * width - mins[i]));
      const wantSum = want.reduce((a, b) => a + b, 0) || 1;
      return { widths: mins.map((m, i) => m + (spare * want[i]) / wantSum), fontSize: size };
    }
    size -= 0.5;
  }
}

function table(pdf: Doc, columns: string[], rows: (string | number | null)[][]) {
  const width = pdf.page.width - 2 * MARGIN;
  const { widths, fontSize } = columnWidths(pdf, columns, rows, width, columns.length > 7 ? 7.5 : 9);
  const drawRow = (cells: string[], header: boolean) => {
    pdf.fontSize(fontSize);
    const heights = cells.map((c, i) => pdf.heightOfString(c, { width: widths[i] - 6 }));
    const h = Math.max(...heights) + 6;
    ensureSpace(pdf, h);
    const y = pdf.y;
    let x = MARGIN;
    if (header) pdf.rect(MARGIN, y, width, h).fill('#e8eef7').fillColor('#000');
    cells.forEach((c, i) => {
      pdf.rect(x, y, widths[i], h).lineWidth(0.5).stroke('#999');
      pdf.fillColor('#000').text(c, x + 3, y + 3, { width: widths[i] - 6 });
      x += widths[i];
    });
    pdf.x = MARGIN;
    pdf.y = y + h;
  };
  drawRow(columns, true);
  for (const r of rows) drawRow(r.map((c) => (c === null ? '—' : String(c))), false);
  pdf.moveDown(0.8);
}

/** The height the start of a block needs on the page its heading is on (a heading never ends a page). */
function startHeight(pdf: Doc, b: Block | undefined): number {
  const width = pdf.page.width - 2 * MARGIN;
  if (!b) return 0;
  switch (b.type) {
    case 'heading':
      return 40;
    case 'paragraph':
      return Math.min(pdf.fontSize(10.5).heightOfString(b.text, { width, indent: 21, lineGap: 3 }), 3 * 18);
    case 'bullets':
      return Math.min(b.items.length, 2) * 16;
    case 'table':
      return 2 * 22;
    case 'chart':
      return (b.chart.height / b.chart.width) * width + 10;
  }
}

function block(pdf: Doc, b: Block, next?: Block) {
  const width = pdf.page.width - 2 * MARGIN;
  switch (b.type) {
    case 'heading':
      // Kept with the start of what it heads.
      ensureSpace(pdf, 40 + startHeight(pdf, next));
      pdf.moveDown(0.5).fontSize(b.level === 1 ? 15 : 12.5).fillColor('#000').text(b.text, MARGIN, pdf.y, { width });
      pdf.moveDown(0.3);
      return;
    case 'paragraph':
      pdf.fontSize(10.5).fillColor('#000').text(b.text, MARGIN, pdf.y, { width, indent: 21, lineGap: 3 });
      pdf.moveDown(0.4);
      return;
    case 'bullets':
      pdf.fontSize(10).fillColor('#000');
      for (const item of b.items) pdf.text(`• ${item}`, MARGIN + 10, pdf.y, { width: width - 10, lineGap: 2 });
      pdf.moveDown(0.4);
      return;
    case 'table':
      table(pdf, b.columns, b.rows);
      return;
    case 'chart': {
      const h = (b.chart.height / b.chart.width) * width;
      ensureSpace(pdf, h + 10);
      pdf.image(b.chart.png, MARGIN, pdf.y, { width });
      pdf.y += h + 10;
      pdf.x = MARGIN;
      return;
    }
  }
}

export function toPdf(doc: ReportDocument): Promise<Buffer> {
  const font = findCjkFont();
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `${doc.title}（${doc.subtitle}）`, Creator: '民声 Minsheng', Author: doc.issuer }, bufferPages: false });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    try {
      pdf.registerFont('cjk', font.path, font.postscriptName);
      pdf.font('cjk');
      pdf.fontSize(22).fillColor('#c00000').text(doc.title, { align: 'center' });
      pdf.moveDown(0.3).fontSize(13).fillColor('#000').text(doc.issue ? `${doc.subtitle}　${doc.issue}` : doc.subtitle, { align: 'center' });
      pdf.moveDown(0.3).fontSize(10).fillColor('#595959').text(`${doc.issuer}　${beijing(doc.generatedAt)}`, { align: 'center' });
      if (doc.credits) pdf.moveDown(0.2).fontSize(10).fillColor('#595959').text(doc.credits, { align: 'center' });
      pdf.moveDown(0.4);
      // The red rule under the masthead.
      pdf.moveTo(MARGIN, pdf.y).lineTo(pdf.page.width - MARGIN, pdf.y).lineWidth(1.2).stroke('#c00000');
      pdf.moveDown(0.8);
      doc.blocks.forEach((b, i) => block(pdf, b, doc.blocks[i + 1]));
      pdf.end();
    } catch (err) {
      reject(err);
    }
  });
}
