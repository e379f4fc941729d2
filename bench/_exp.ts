import { readFileSync } from 'node:fs';
import { createLanguageAnalyzer } from '../src/analyze/language.ts';
import { train, predict, type Example } from '../src/analyze/learn/linear.ts';
import { normalizePost } from '../src/analyze/text.ts';
import { score } from './eval-analysis.ts';
const P: Record<string, string> = { angry: 'negative', sad: 'negative', fear: 'negative', happy: 'positive', neutral: 'neutral', surprise: 'neutral' };
const dir = '/work/shared/datasets/sentiment/smp2020_ewect/';
const rd = (f: string) => (JSON.parse(readFileSync(dir + f, 'utf8')) as { content: string; label: string }[]).filter((r) => r.content.trim());
const tr = rd('virus_train.json'), u = rd('usual_eval_labeled.json'), v = rd('virus_eval_labeled.json');
const learn = [...tr, ...u.filter((_, i) => i % 2 === 0), ...v.filter((_, i) => i % 2 === 0)];
const test = [...u.filter((_, i) => i % 2 === 1), ...v.filter((_, i) => i % 2 === 1)];
const a = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
const fe = (t: string) => { const n = normalizePost({ text: t }); return a.features(n, a.segmenter.cut(n)); };
const L = learn.map((r) => ({ features: fe(r.content), label: P[r.label], raw: r.label }));
const T = test.map((r) => ({ features: fe(r.content), label: P[r.label] }));
for (const c of JSON.parse(process.argv[2])) {
  const LL: Example[] = c.nosurprise ? L.filter((x) => x.raw !== 'surprise') : L;
  const m = train(LL, { features: { words: true, bigrams: true, trigrams: false, lexicon: true, ...(c.f ?? {}) }, bits: 18, epochs: c.e ?? 6, learningRate: c.lr ?? 0.1, balance: c.b ?? 0.6, l2: c.l2 ?? 0 });
  const s = score(T.map((x) => x.label), T.map((x) => predict(m, x.features).label), ['negative', 'neutral', 'positive']);
  console.log(JSON.stringify(c), s.macroF1.toFixed(3), s.perClass.negative.f1.toFixed(3));
}
