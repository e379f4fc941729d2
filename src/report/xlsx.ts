import ExcelJS from 'exceljs';
import type { ReportDocument } from './document.ts';

/** Writes the statistics and the ledger of a brief as an Excel workbook (.xlsx), one sheet per table. */
export async function toXlsx(doc: ReportDocument): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '民声 Minsheng';
  wb.created = new Date(doc.generatedAt);
  wb.title = `${doc.title}（${doc.subtitle}）`;
  const used = new Set<string>();
  for (const sheet of doc.sheets) {
    // Excel sheet names: at most 31 characters, unique, without []:*?/\
    let name = sheet.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
    for (let i = 2; used.has(name); i++) name = `${sheet.name.slice(0, 28)}(${i})`;
    used.add(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
    for (const row of sheet.rows) ws.addRow(row.map((v) => (v === null ? null : v)));
    sheet.columns.forEach((c, i) => {
      if (c.format === 'percent') ws.getColumn(i + 1).numFmt = '0.0%';
    });
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
