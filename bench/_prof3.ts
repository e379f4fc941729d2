import { readFileSync } from 'node:fs';
import { createLanguageAnalyzer } from '../src/analyze/language.ts';
import { normalizePost } from '../src/analyze/text.ts';
import { DEFAULT_TAXONOMY } from '../src/analyze/topic/default-taxonomy.ts';
import { createSegmenter } from '../src/analyze/segment.ts';
import { Jieba } from '@node-rs/jieba';
import { createRequire } from 'node:module';
const rows = JSON.parse(readFileSync('/work/shared/datasets/sentiment/smp2020_ewect/virus_train.json', 'utf8')) as { content: string; label: string }[];
const all = Array.from(rows.map((r) => r.content).join('\n').replace(/\s+/g, ' '));
const posts: string[] = []; for (let i = 0; posts.length < 20000; i = (i + 200) % (all.length - 200)) posts.push(all.slice(i, i + 200).join(''));
const tax = DEFAULT_TAXONOMY.map((d) => ({ ...d, department: null }));
const a = createLanguageAnalyzer({ userWords: [], taxonomy: tax, models: {} });
const plainSeg = createSegmenter([]);
const j = Jieba.withDict((createRequire(import.meta.url)('@node-rs/jieba/dict.js') as { dict: Buffer }).dict);
const norm = posts.map((p) => normalizePost({ text: p }));
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (const p of posts) j.cut(p, true); const bare = performance.now() - t;
  t = performance.now(); for (const p of norm) j.cut(p, true); const bareNorm = performance.now() - t;
  t = performance.now(); for (const p of norm) plainSeg.cut(p); const segPlain = performance.now() - t;
  t = performance.now(); for (const p of norm) a.segmenter.cut(p); const seg = performance.now() - t;
  console.log('bare', Math.round(bare), 'bareNorm', Math.round(bareNorm), 'segPlain', Math.round(segPlain), 'segLex', Math.round(seg));
}
console.log(posts[5]); console.log(norm[5]);
