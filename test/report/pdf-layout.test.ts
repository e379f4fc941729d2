import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import PDFDocument from 'pdfkit';
import { findCjkFont } from '../../src/report/fonts.ts';
import { columnWidths } from '../../src/report/pdf.ts';

/** The department table of a monthly brief: a long name beside ten short figures. */
const COLUMNS = ['部门', '处置单', '应回复', '按时', '按时率', '回复中位(工作小时)', '超期', '批示按时', '承诺按时', '防止升级', '核实率'];
const ROWS = [
  ['城建监察大队（违法建设查处）', 18, '1/8', 7, '100.0%', 12.5, 0, '3/3', '2/4', '87.5%', '100.0%'],
  ['房地产市场监管科', 126, '118/126', 99, '83.9%', 4.25, 19, '10/12', '0/1', '66.7%', '92.1%'],
];

function fontOrSkip(): ReturnType<typeof findCjkFont> | null {
  try {
    return findCjkFont();
  } catch {
    return null;
  }
}

const font = fontOrSkip();

describe('brief PDF layout', { skip: !font && 'no CJK font installed' }, () => {
  test('every number and percentage fits its column on one line', () => {
    const pdf = new PDFDocument({ size: 'A4', margin: 50 });
    pdf.registerFont('cjk', font!.path, font!.postscriptName);
    pdf.font('cjk');
    const width = pdf.page.width - 100;
    const { widths, fontSize } = columnWidths(pdf, COLUMNS, ROWS, width, 7.5);
    assert.ok(Math.abs(widths.reduce((a, b) => a + b, 0) - width) < 0.5, 'the table spans the page');
    pdf.fontSize(fontSize);
    for (const row of ROWS) {
      row.forEach((cell, i) => {
        if (typeof cell === 'string' && /[\u2e80-\uffef]/.test(cell)) return;
        const text = String(cell);
        assert.ok(pdf.widthOfString(text) <= widths[i] - 6, `${text} fits ${COLUMNS[i]} (${widths[i].toFixed(1)} pt)`);
        assert.equal(pdf.heightOfString(text, { width: widths[i] - 6 }), pdf.heightOfString('1', { width: widths[i] - 6 }), `${text} is one line`);
      });
    }
    // The widths by content length alone (how the tables were drawn before) broke them.
    const lengths = COLUMNS.map((c, i) => Math.min(40, Math.max(4, ...[c, ...ROWS.map((r) => String(r[i]))].map((s) => [...s].reduce((n, ch) => n + (/[\u2e80-\uffef]/.test(ch) ? 2 : 1), 0)))));
    const total = lengths.reduce((a, b) => a + b, 0);
    pdf.fontSize(7.5);
    const before = lengths.map((l) => (l / total) * width);
    assert.ok(ROWS.some((r) => r.some((cell, i) => typeof cell !== 'string' || !/[\u2e80-\uffef]/.test(cell) ? pdf.heightOfString(String(cell), { width: before[i] - 6 }) > pdf.heightOfString('1', { width: before[i] - 6 }) : false)), 'the old widths wrapped a figure');
  });
});
