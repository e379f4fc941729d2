import { idfIndex } from './idf.ts';
import type { TokenView } from './token-info.ts';

/**
 * Keywords of a post by TF-IDF over its tokens, with jieba's bundled IDF table. Workspace user
 * words (places, estates, departments) get a boost: they are what people look for.
 */
export const STOPWORDS = new Set(
  `的 了 是 在 我 你 他 她 它 我们 你们 他们 她们 这 那 这个 那个 这些 那些 这里 那里 这样 那样 怎么 什么 为什么 哪 哪里 谁 和 与 及 或 或者
   而 而且 并 并且 也 还 又 都 就 才 只 但 但是 可是 因为 所以 如果 虽然 然后 还是 已经 一个 一些 一下 一直 没有 不是 就是 可以 能 会 要 想
   让 被 把 给 对 向 从 到 于 以 为 由 等 等等 啊 吧 呢 吗 嘛 哦 哈 呀 啦 么 之 其 该 此 各 每 个 些 很 太 更 最 非常 自己 大家 有 有的 有人
   现在 今天 昨天 明天 时候 时间 问题 情况 工作 进行 表示 认为 希望 相关 有关 目前 通过 关于 以及 其中 可能 应该 需要 已 将 还有 这么 那么
   如何 一样 一起 还要 但是 不过 另外 同时 此外 然而 因此 于是 即 即使 比如 例如 一定 真的 觉得 知道 看到 出来 起来 下去 回复 转发 微博 网友`.split(/\s+/),
);

/** Two or more characters of CJK (or three or more with latin letters); no punctuation. */
export function isKeywordCandidate(tok: string): boolean {
  if (tok.length < 2) return false;
  let cjk = false;
  let letter = false;
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c >= 0x3400 && c <= 0x9fff) cjk = true;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letter = true;
    else if (!(c >= 0x30 && c <= 0x39)) return false;
  }
  return cjk || (letter && tok.length >= 3);
}

// Per-post scratch: an open-addressing table keyed by token hash (no Map, no allocation per token).
const SLOTS = 512;
const slotHash = new Int32Array(SLOTS);
const slotFirst = new Int32Array(SLOTS);
const slotWeight = new Float64Array(SLOTS);
const slotStamp = new Uint32Array(SLOTS);
let stamp = 0;
const topIndex: number[] = [];
const topScores: number[] = [];

/** The `top` tokens by TF-IDF, best first. `view` comes from viewTokens (shared with the other analyses). */
export function extractKeywords(tokens: readonly string[], view: TokenView, userWords: ReadonlySet<string>, top = 8): string[] {
  const idf = idfIndex();
  if (++stamp === 0xffffffff) {
    slotStamp.fill(0);
    stamp = 1;
  }
  const used: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const info = view.infos[i];
    let weight: number;
    if (info) weight = info.idf;
    else {
      if (!isKeywordCandidate(tokens[i])) continue;
      weight = idf.get(view.hashes[i]);
    }
    if (weight === 0) continue;
    const h = view.hashes[i];
    let slot = h & (SLOTS - 1);
    let probes = 0;
    while (slotStamp[slot] === stamp && slotHash[slot] !== h && probes++ < SLOTS) slot = (slot + 1) & (SLOTS - 1);
    if (probes >= SLOTS) break; // more distinct words than slots: the first ones decide
    if (slotStamp[slot] !== stamp) {
      slotStamp[slot] = stamp;
      slotHash[slot] = h;
      slotFirst[slot] = i;
      slotWeight[slot] = 0;
      used.push(slot);
    }
    slotWeight[slot] += weight;
  }
  if (used.length === 0) return [];
  topIndex.length = 0;
  topScores.length = 0;
  for (const slot of used) {
    const w = tokens[slotFirst[slot]];
    const s = userWords.size && userWords.has(w) ? slotWeight[slot] * 2 : slotWeight[slot];
    if (topIndex.length === top && s <= topScores[top - 1]) continue;
    let j = topIndex.length < top ? topIndex.length : top - 1;
    while (j > 0 && topScores[j - 1] < s) {
      topIndex[j] = topIndex[j - 1];
      topScores[j] = topScores[j - 1];
      j--;
    }
    topIndex[j] = slotFirst[slot];
    topScores[j] = s;
  }
  const out: string[] = [];
  for (let k = 0; k < topIndex.length && k < top; k++) out.push(tokens[topIndex[k]]);
  return out;
}
