import { createLanguageAnalyzer } from '../src/analyze/language.ts';
import { DEFAULT_TAXONOMY } from '../src/analyze/topic/default-taxonomy.ts';
import { readFileSync } from 'node:fs';
const a = createLanguageAnalyzer({ userWords: ['沿港西路'], taxonomy: DEFAULT_TAXONOMY.map((d) => ({ ...d, department: null })), models: {} });
for (const s of ['沿港西路又被挖开了，三个月还没完工，投诉无门，没人管！', '虽然有点慢，但是服务态度非常好', '我不喜欢这个小区的物业', '感谢白衣天使，辛苦了[心][心]', '狗官去死，删前速看', '今天天气不错']) {
  const r = a.analyze({ text: s });
  console.log(s, r.tokens.join('/'), JSON.stringify(r.sentiment), r.topic, r.topicReasons, r.abuse, r.keywords);
}
const map: Record<string, string> = { angry: 'negative', sad: 'negative', fear: 'negative', happy: 'positive', neutral: 'neutral', surprise: 'neutral' };
for (const f of process.argv.slice(2)) {
  const data = JSON.parse(readFileSync(f, 'utf8')) as { content: string; label: string }[];
  const labels = ['negative', 'neutral', 'positive'];
  const cm = new Map<string, number>();
  for (const d of data) {
    const g = map[d.label];
    const p = a.analyze({ text: d.content }).sentiment.label;
    cm.set(g + '>' + p, (cm.get(g + '>' + p) ?? 0) + 1);
  }
  let f1s = 0;
  for (const l of labels) {
    let tp = cm.get(l + '>' + l) ?? 0, fp = 0, fn = 0;
    for (const o of labels) if (o !== l) { fp += cm.get(o + '>' + l) ?? 0; fn += cm.get(l + '>' + o) ?? 0; }
    const pr = tp / (tp + fp || 1), rc = tp / (tp + fn || 1), f1 = 2 * pr * rc / (pr + rc || 1);
    f1s += f1; console.log(f, l, pr.toFixed(3), rc.toFixed(3), f1.toFixed(3));
  }
  console.log(f, 'macroF1', (f1s / 3).toFixed(3), JSON.stringify([...cm]));
}
