import { createLanguageAnalyzer } from '../src/analyze/language.ts';
import { readFileSync } from 'node:fs';
const a = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
const map: Record<string, string> = { angry: 'negative', sad: 'negative', fear: 'negative', happy: 'positive', neutral: 'neutral', surprise: 'neutral' };
const data = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { content: string; label: string }[];
let n = 0;
for (const d of data.slice(3000)) {
  const r = a.analyze({ text: d.content });
  if (map[d.label] === process.argv[3] && r.sentiment.label === process.argv[4] && n++ < 40) console.log(d.label, '|', d.content.slice(0, 120).replace(/\n/g, ' '), '|', r.sentiment.reasons.join(','));
}
