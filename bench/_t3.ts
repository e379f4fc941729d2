import { parseReplySignature } from '../src/analyze/learn/signature.ts';
import { readFileSync } from 'node:fs';
const rows = readFileSync('/work/shared/datasets/teddycup2020c/messages_with_replies_dev.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const counts = new Map<string, number>(); let n = 0;
for (const r of rows) { const s = parseReplySignature(r['答复意见']); if (s) { n++; counts.set(s, (counts.get(s) ?? 0) + 1); } }
console.log(n, rows.length, counts.size);
console.log([...counts].sort((a, b) => b[1] - a[1]).slice(0, 60));
for (const r of rows.slice(0, 400)) { const s = parseReplySignature(r['答复意见']); if (!s) console.log('NO', JSON.stringify(r['答复意见'].slice(-60))); }
