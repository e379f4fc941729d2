#!/usr/bin/env node
// Renders the documents people receive as pictures, to look at them as they print: starts the
// demo workspace in a temporary database (fully offline), writes a 抄告单 (.docx), the monthly
// brief (.docx and .pdf) and the annual assessment (.pdf), converts the Word files with
// LibreOffice and every PDF page with pdftoppm, and saves the PNGs to docs/documents/ (the first
// page of each, or every page with --all).
// Usage: node scripts/document-pages.mjs [--out DIR] [--all]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name) => (process.argv.indexOf(name) > 0 ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const out = arg('--out') ?? join(root, 'docs', 'documents');
const all = process.argv.includes('--all');
for (const tool of ['soffice', 'pdftoppm']) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    console.error(`${tool} not found (apt install libreoffice-writer poppler-utils); no pictures taken`);
    process.exit(1);
  }
}

const { loadConfig } = await import('../src/config.ts');
const { createLogger } = await import('../src/log.ts');
const { startDemo } = await import('../src/demo/run.ts');
const { systemActor } = await import('../src/auth/actor.ts');
const { getMemo } = await import('../src/cases/memos.ts');
const { memoDocx } = await import('../src/cases/memo-docx.ts');
const { buildReport } = await import('../src/report/render.ts');

mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'minsheng-docs-'));
console.log('starting the demo …');
const demo = await startDemo({ dbUrl: join(dir, 'demo.db'), config: loadConfig({ ...process.env }), log: createLogger('warn', { stderr: true }), port: 0, host: '127.0.0.1' });

/** PDF pages → PNGs named <name>-<page>.png (first page only unless --all). */
function pictures(pdf, name) {
  const prefix = join(dir, name);
  execFileSync('pdftoppm', ['-png', '-r', '70', ...(all ? [] : ['-f', '1', '-l', '1']), pdf, prefix]);
  for (const f of readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png')).sort()) {
    const page = Number(/-(\d+)\.png$/.exec(f)[1]);
    const target = join(out, `${name}-${page}.png`);
    renameSync(join(dir, f), target);
    console.log(`saved ${target}`);
  }
}

function wordToPdf(docx) {
  execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/lo`, '--convert-to', 'pdf', '--outdir', dir, docx], { stdio: 'ignore', timeout: 180_000 });
  return docx.replace(/\.docx$/, '.pdf');
}

try {
  console.log(`demo ready (${await demo.seeded} cases seeded)`);
  const db = demo.server.ctx.db.kysely;
  const memo = await db.selectFrom('memos').select('id').orderBy('id').executeTakeFirstOrThrow();
  const { buffer } = await memoDocx(db, await getMemo(db, systemActor, memo.id));
  writeFileSync(join(dir, 'memo.docx'), buffer);
  pictures(wordToPdf(join(dir, 'memo.docx')), 'memo');

  const month = new Date().toISOString().slice(0, 7);
  for (const format of ['docx', 'pdf']) {
    const file = await buildReport(db, systemActor, { kind: 'monthly', format, period: month });
    const path = join(dir, `brief-monthly.${format}`);
    writeFileSync(path, file.data);
    pictures(format === 'docx' ? wordToPdf(path) : path, `brief-monthly-${format}`);
  }
  const assessment = await buildReport(db, systemActor, { kind: 'assessment', format: 'pdf', period: month.slice(0, 4) });
  writeFileSync(join(dir, 'assessment.pdf'), assessment.data);
  pictures(join(dir, 'assessment.pdf'), 'assessment-pdf');
} finally {
  await demo.close();
  rmSync(dir, { recursive: true, force: true });
}
