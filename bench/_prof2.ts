import { readFileSync } from 'node:fs';
import { createLanguageAnalyzer } from '../src/analyze/language.ts';
import { trainModel } from '../src/analyze/learn/train.ts';
import { DEFAULT_TAXONOMY } from '../src/analyze/topic/default-taxonomy.ts';
import { Jieba } from '@node-rs/jieba';
import { createRequire } from 'node:module';
const rows = JSON.parse(readFileSync('/work/shared/datasets/sentiment/smp2020_ewect/virus_train.json', 'utf8')) as { content: string; label: string }[];
const all = Array.from(rows.map((r) => r.content).join('\n').replace(/\s+/g, ' '));
const posts: string[] = []; for (let i = 0; posts.length < 20000; i = (i + 200) % (all.length - 200)) posts.push(all.slice(i, i + 200).join(''));
const P: Record<string, string> = { angry: 'negative', sad: 'negative', fear: 'negative', happy: 'positive', neutral: 'neutral', surprise: 'neutral' };
const tax = DEFAULT_TAXONOMY.map((d) => ({ ...d, department: null }));
const base = createLanguageAnalyzer({ userWords: [], taxonomy: tax, models: {} });
const model = trainModel('sentiment', base, rows.slice(0, 3000).map((r) => ({ text: r.content, label: P[r.label] })))!;
const a = createLanguageAnalyzer({ userWords: [], taxonomy: tax, models: { sentiment: model } });
const j = Jieba.withDict((createRequire(import.meta.url)('@node-rs/jieba/dict.js') as { dict: Buffer }).dict);
for (let r = 0; r < 3; r++) {
  let bare = 0, full = 0;
  for (let b = 0; b < posts.length; b += 500) {
    let t = performance.now(); for (let i = b; i < b + 500; i++) j.cut(posts[i], true); bare += performance.now() - t;
    t = performance.now(); for (let i = b; i < b + 500; i++) a.analyze({ text: posts[i] }); full += performance.now() - t;
  }
  console.log('bare', Math.round(bare), 'analyze', Math.round(full), 'ratio', (full / bare).toFixed(2));
}
