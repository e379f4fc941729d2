import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shareFound, textPairs, textSimilarity } from '../src/cases/match.ts';

/**
 * How well the reply verification's text match (src/cases/match.ts `textSimilarity`, threshold
 * `verify_similarity`, default 0.6) tells the recorded reply from other replies, on the real
 * government replies (答复意见) of the 2020 泰迪杯 problem C (read in place, never copied):
 * - the same reply as a forum shows it (paragraphs re-wrapped into lines of 38, a quote header
 *   and a signature added, full-width punctuation turned half-width): should score ≈ 1;
 * - the same reply edited after approval, two ways: a tenth of its sentences replaced (at least one:
 *   for a reply of one to three sentences that is a third of it or all of it, a different reply rather
 *   than an edit), and a tenth of its characters reworded in one place: should still pass;
 * - the most similar *other* reply of the sample (another answer in the same plain, formulaic
 *   language — the worst case for a wrong match): should stay below the threshold.
 * Usage: npx tsx bench/verify-match.ts [datasets-dir] [--n 600]
 */
const dir = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '../shared/datasets';
const nArg = process.argv.indexOf('--n');
const N = nArg > 0 ? Number(process.argv[nArg + 1]) : 600;
const file = join(dir, 'teddycup2020c', 'messages_with_replies_dev.jsonl');
if (!existsSync(file)) {
  console.log(`skipped: ${file} not found (pass the datasets folder as the first argument)`);
  process.exit(0);
}

const replies = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => String((JSON.parse(l) as Record<string, unknown>)['答复意见'] ?? '').trim())
  .filter((r) => r.length >= 30);
// A deterministic spread over the file.
const step = Math.max(1, Math.floor(replies.length / N));
const sample = replies.filter((_, i) => i % step === 0).slice(0, N);

const HALF: Record<string, string> = { '，': ',', '。': '.', '：': ':', '；': ';', '！': '!', '？': '?', '（': '(', '）': ')' };
function asForumShows(r: string): string {
  const flat = r.replace(/\s+/g, '').replace(/[，。：；！？（）]/g, (c) => HALF[c]);
  const lines = flat.match(/.{1,38}/gu) ?? [];
  return `回复 楼主 的帖子\n${lines.join('\n')}\n——发自手机版 本帖最后由 管理员 编辑`;
}
function edited(r: string, seed: number): string {
  const sentences = r.split(/(?<=[。！？；])/);
  const k = Math.max(1, Math.round(sentences.length / 10));
  for (let j = 0; j < k; j++) sentences[(seed * 7 + j * 3) % sentences.length] = '经进一步核实，相关工作已安排专人负责落实。';
  return sentences.join('');
}
/** About a tenth of the characters reworded in one place (at least two). */
function editedChars(r: string, seed: number): string {
  const chars = [...r];
  const k = Math.max(2, Math.round(chars.length / 10));
  const at = (seed * 7919) % Math.max(1, chars.length - k);
  const filler = [...'经进一步核实相关工作已安排专人负责落实'];
  for (let j = 0; j < k; j++) chars[at + j] = filler[j % filler.length];
  return chars.join('');
}
/** The share of a reply's characters the sentence edit replaced. */
function replacedShare(r: string, seed: number): number {
  const sentences = r.split(/(?<=[。！？；])/);
  const k = Math.max(1, Math.round(sentences.length / 10));
  const idx = new Set(Array.from({ length: k }, (_, j) => (seed * 7 + j * 3) % sentences.length));
  return [...idx].reduce((n, i) => n + sentences[i].length, 0) / r.length;
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const started = process.hrtime.bigint();
const self = sample.map((r) => textSimilarity(r, asForumShows(r)));
const edits = sample.map((r, i) => textSimilarity(r, asForumShows(edited(r, i))));
const shares = sample.map((r, i) => replacedShare(r, i));
const charEdits = sample.map((r, i) => textSimilarity(r, asForumShows(editedChars(r, i))));
const pairs = sample.map(textPairs);
const others = pairs.map((r, i) => {
  let best = 0;
  for (let j = 0; j < pairs.length; j++) if (j !== i) best = Math.max(best, shareFound(r, pairs[j]));
  return best;
});
const comparisons = sample.length * (sample.length + 1); // the pairwise ones reuse each text's pairs
const ms = Number(process.hrtime.bigint() - started) / 1e6;

const f = (x: number) => x.toFixed(3);
const threshold = 0.6;
console.log(`replies: ${sample.length} of ${replies.length} (≥ 30 characters)`);
console.log(`same reply as the forum shows it: min ${f(Math.min(...self))}, p01 ${f(quantile(self, 0.01))}, median ${f(quantile(self, 0.5))}; verified at ${threshold}: ${self.filter((s) => s >= threshold).length}/${self.length}`);
console.log(`edited after approval (1/10 of sentences replaced): min ${f(Math.min(...edits))}, p05 ${f(quantile(edits, 0.05))}, median ${f(quantile(edits, 0.5))}; verified at ${threshold}: ${edits.filter((s) => s >= threshold).length}/${edits.length}`);
const missed = edits.map((e, i) => ({ e, share: shares[i] })).filter((x) => x.e < threshold);
console.log(`  of the ${missed.length} missed, ${missed.filter((x) => x.share > 0.2).length} had more than a fifth of their text replaced (${missed.filter((x) => x.share > 0.5).length} more than half); missed among replies with at most a fifth replaced: ${missed.filter((x) => x.share <= 0.2).length}/${shares.filter((x) => x <= 0.2).length}`);
console.log(`edited after approval (1/10 of characters reworded in one place): min ${f(Math.min(...charEdits))}, p05 ${f(quantile(charEdits, 0.05))}, median ${f(quantile(charEdits, 0.5))}; verified at ${threshold}: ${charEdits.filter((s) => s >= threshold).length}/${charEdits.length}`);
const sizes = pairs.map((p) => p.size);
for (const [lo, hi] of [[0, 100], [100, 200], [200, Infinity]] as const) {
  const idx = sizes.map((n, i) => (n >= lo && n < hi ? i : -1)).filter((i) => i >= 0);
  const at = (xs: number[], t: number, above: boolean) => idx.filter((i) => (above ? xs[i] >= t : xs[i] < t)).length;
  console.log(
    `  replies of ${lo}–${hi === Infinity ? '' : hi} character pairs (${idx.length}): at 0.5 / 0.6 / 0.7 — sentence edits missed ${at(edits, 0.5, false)} / ${at(edits, 0.6, false)} / ${at(edits, 0.7, false)}, character edits missed ${at(charEdits, 0.5, false)} / ${at(charEdits, 0.6, false)} / ${at(charEdits, 0.7, false)}, another reply as similar ${at(others, 0.5, true)} / ${at(others, 0.6, true)} / ${at(others, 0.7, true)}`,
  );
}
console.log(`most similar other reply: median ${f(quantile(others, 0.5))}, p95 ${f(quantile(others, 0.95))}, p99 ${f(quantile(others, 0.99))}, max ${f(Math.max(...others))}; wrongly matched at ${threshold}: ${others.filter((s) => s >= threshold).length}/${others.length}`);
console.log(`time: ${comparisons} comparisons in ${ms.toFixed(0)} ms (${((ms * 1000) / comparisons).toFixed(1)} µs each)`);
