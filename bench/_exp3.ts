import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { createLanguageAnalyzer } from '../src/analyze/language.ts';
import { train, predict, type Example } from '../src/analyze/learn/linear.ts';
import { normalizePost } from '../src/analyze/text.ts';
import { score } from './eval-analysis.ts';
const zip = unzipSync(new Uint8Array(readFileSync('/work/shared/datasets/sentiment/online_shopping_10_cats/online_shopping_10_cats.zip')));
const rows = (parseCsv(Buffer.from(Object.values(zip)[0]).toString('utf8'), { columns: true, bom: true, relax_column_count: true }) as { cat: string; review: string }[]).filter((r) => r.review?.trim());
const a = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
const fe = (t: string) => { const n = normalizePost({ text: t }); return a.features(n, a.segmenter.cut(n)); };
// fixed sample: 40 per class for learning, 5000 random others for testing
let s = 7; const rand = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 4294967296; };
const idx = rows.map((_, i) => i).sort(() => rand() - 0.5);
const taken = new Map<string, number>(); const L: Example[] = []; const T: Example[] = [];
for (const i of idx) { const c = rows[i].cat; if ((taken.get(c) ?? 0) < 40) { taken.set(c, (taken.get(c) ?? 0) + 1); L.push({ features: fe(rows[i].review), label: c }); } else if (T.length < 8000) T.push({ features: fe(rows[i].review), label: c }); }
const classes = [...taken.keys()].sort();
for (const c of JSON.parse(process.argv[2])) {
  const m = train(L, { features: { words: true, otherTokens: false, bigrams: true, trigrams: false, lexicon: false, ...(c.f ?? {}) }, bits: c.bits ?? 17, epochs: c.e ?? 10, learningRate: c.lr ?? 0.5, balance: c.b ?? 0.5, l2: c.l2 ?? 0 });
  const pr = T.map((x) => predict(m, x.features));
  const s1 = score(T.map((x) => x.label), pr.map((p) => p.label), classes);
  const s2 = score(T.map((x) => x.label), pr.map((p) => (p.p >= 0.35 ? p.label : null)), classes);
  console.log(JSON.stringify(c), 'argmax', s1.macroF1.toFixed(3), 'thr', s2.macroF1.toFixed(3));
}
