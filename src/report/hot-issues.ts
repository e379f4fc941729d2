import { createSegmenter, type Segmenter } from '../analyze/text/segment.ts';
import { matterName, matterPlaces, samePlace } from '../analyze/events/matter.ts';
import { hammingDistance, simhash } from '../collect/simhash.ts';
import { z } from 'zod';
import { shapeOf } from '../shapes.ts';

/**
 * The report-side hot-issue ranking: clusters the posts of a period by the salient terms they
 * share (estate, road, school and company names are rare across the period but repeated within
 * one matter) and by SimHash near-duplication, and joins posts the analysis stage already put in
 * one event. It stays useful when event linking has fragmented a matter into many events.
 */
export interface ClusterPost {
  id: number;
  title: string;
  text: string;
  /** Space-separated jieba tokens stored by analysis, when present. */
  segmented?: string | null;
  eventId?: number | null;
  engagement: number;
  at: string;
}

export interface HotIssue {
  /** What people read: the place its posts name most and the matter (「魅力之城 油烟扰民」; issue 17, part 6). */
  name: string;
  /** A representative title (the post closest to the cluster's centre). */
  title: string;
  /** Readable terms: the places its posts name most, then the matters their titles state (never word fragments). */
  terms: string[];
  posts: number;
  engagement: number;
  heat: number;
  firstAt: string;
  lastAt: string;
  postIds: number[];
  eventIds: number[];
}

/** Words that say nothing about which matter a message is about. */
const STOP = new Set(
  `问题 反映 希望 请问 咨询 关于 有关 相关 领导 您好 你好 政府 部门 市民 居民 群众 我们 他们 你们 自己 这个 那个 这些 那些 什么 怎么 如何 为什么 为何 是否 能否 可以 没有 不能 现在 目前 已经 还是 一直 一个 一些 进行 情况 要求 解决 处理 尽快 及时 严重 影响 导致 造成 存在 希望 请求 建议 投诉 举报 恳请 麻烦 谢谢 感谢 非常 特别 真的 这样 那样 因为 所以 但是 而且 并且 如果 以及 或者 由于 时候 时间 今年 去年 明年 每天 每年 多次 一下 一定 应该 需要 问下 问一下 一年 两年 几年 多年 至今 直到 无人 无果 本人 大家 请求 帮助 同志 书记 市长 区长 县长 相关部门 有关部门 该 的 了 在 是 和 与 及 等 对 将 被 把 从 向 也 都 就 还 又 很 更 最`.split(/\s+/),
);

function usable(token: string): boolean {
  if (token.length < 2) return false;
  if (STOP.has(token)) return false;
  if (/^[\d.,%:：\-/年月日号时分秒]+$/.test(token)) return false;
  if (/^[\p{P}\p{S}\s]+$/u.test(token)) return false;
  return true;
}

/**
 * Salient-term candidates of a post: its usable words, plus adjacent pairs, which rebuild the
 * names jieba splits when they are not in its dictionary (魅力+之城, 丽发+新城). Title words
 * count double.
 */
function features(tokens: string[], titleTokens: string[]): Map<string, number> {
  const tf = new Map<string, number>();
  const add = (list: string[], w: number) => {
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (usable(t)) tf.set(t, (tf.get(t) ?? 0) + w);
      // Adjacent pairs keep names jieba splits (魅力+之城, 丽发+新城) together as one feature.
      const next = list[i + 1];
      if (next && !/[\p{P}\s]/u.test(t + next) && (t.length >= 2 || next.length >= 2) && (usable(t) || usable(next))) {
        const pair = t + next;
        if (pair.length >= 3 && pair.length <= 8) tf.set(pair, (tf.get(pair) ?? 0) + w);
      }
    }
  };
  add(tokens, 1);
  add(titleTokens, 2);
  return tf;
}

/**
 * Union-find whose components carry the sum of their members' term vectors. Two components of
 * some size join only when their centres agree, so a chain of pairwise links (A~B, B~C, …)
 * cannot glue unrelated matters into one giant cluster.
 */
class Clusters {
  parent: Int32Array;
  size: Int32Array;
  sums: (Map<string, number> | null)[];
  sumsq: Float64Array;
  constructor(readonly vectors: Map<string, number>[]) {
    const n = vectors.length;
    this.parent = new Int32Array(n).map((_, i) => i);
    this.size = new Int32Array(n).fill(1);
    this.sums = vectors.map((v) => new Map(v));
    this.sumsq = Float64Array.from(vectors, (v) => [...v.values()].reduce((s, w) => s + w * w, 0));
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]];
      x = this.parent[x];
    }
    return x;
  }
  /** Cosine similarity of two components' centres. */
  similarity(ra: number, rb: number): number {
    const a = this.sums[ra]!;
    const b = this.sums[rb]!;
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    let dot = 0;
    for (const [t, w] of small) dot += w * (large.get(t) ?? 0);
    const norm = Math.sqrt(this.sumsq[ra] * this.sumsq[rb]);
    return norm > 0 ? dot / norm : 0;
  }
  /** Joins the components of a and b; with `guard`, only if both are small or their centres agree. */
  union(a: number, b: number, guard = 0): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return true;
    if (guard > 0 && this.size[ra] >= GUARD_SIZE && this.size[rb] >= GUARD_SIZE && this.similarity(ra, rb) < guard) return false;
    if (this.size[ra] < this.size[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
    const into = this.sums[ra]!;
    let sq = this.sumsq[ra];
    for (const [t, w] of this.sums[rb]!) {
      const old = into.get(t) ?? 0;
      into.set(t, old + w);
      sq += (old + w) ** 2 - old ** 2;
    }
    this.sumsq[ra] = sq;
    this.sums[rb] = null;
    return true;
  }
  groups(): Map<number, number[]> {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < this.parent.length; i++) {
      const r = this.find(i);
      let g = groups.get(r);
      if (!g) groups.set(r, (g = []));
      g.push(i);
    }
    return groups;
  }
}

/** Components at least this big must agree by their centres to join. */
const GUARD_SIZE = 10;
/** Below this similarity of centres, two components of GUARD_SIZE or more stay apart. */
const GUARD_SIMILARITY = 0.15;
/** Per salient term, a post is compared with at most this many later posts sharing it (keeps linking near-linear). */
const NEIGHBOURS_PER_TERM = 40;

/**
 * A second pass over the larger clusters: two clusters whose centres are close are one matter
 * that pairwise linking split (different wording of the same complaint).
 */
function mergeFragments(c: Clusters, threshold = 0.45) {
  const big = [...c.groups().entries()].filter(([, m]) => m.length >= 2).sort((a, b) => b[1].length - a[1].length).slice(0, 300).map(([r]) => r);
  for (let a = 0; a < big.length; a++) {
    for (let b = a + 1; b < big.length; b++) {
      const ra = c.find(big[a]);
      const rb = c.find(big[b]);
      if (ra !== rb && c.similarity(ra, rb) >= threshold) c.union(ra, rb);
    }
  }
}

export interface ClusterOptions {
  /** Cosine similarity of salient-term vectors at which two posts are the same matter. */
  threshold?: number;
  /** Salient terms kept per post. */
  topTerms?: number;
  /** SimHash Hamming distance for near-duplicates. */
  maxHamming?: number;
  limit?: number;
  segmenter?: Segmenter;
}

/** Heat of a cluster: each post counts 1, engagement adds on a log scale (one viral post ≈ a dozen posts). */
export function heatOf(posts: number, engagement: number): number {
  return Math.round((posts + 2 * Math.log2(1 + Math.max(0, engagement))) * 10) / 10;
}

export function hotIssues(posts: ClusterPost[], opts: ClusterOptions = {}): HotIssue[] {
  const threshold = opts.threshold ?? 0.32;
  const topK = opts.topTerms ?? 10;
  const maxHamming = opts.maxHamming ?? 3;
  const limit = opts.limit ?? 10;
  const n = posts.length;
  if (n === 0) return [];
  const seg = opts.segmenter ?? createSegmenter();

  const tfs: Map<string, number>[] = [];
  const df = new Map<string, number>();
  for (const p of posts) {
    // The opening of a long text says what it is about; the rest mostly repeats or digresses.
    const body = p.segmented ? p.segmented.split(' ', 300) : seg.cut(`${p.title}\n${p.text.slice(0, 400)}`);
    const tf = features(body, seg.cut(p.title));
    tfs.push(tf);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  }
  // Terms in more than 3% of the posts (the bar is never below 30) describe the whole period, not one matter.
  const maxDf = Math.max(30, Math.ceil(n * 0.03));
  const vectors: Map<string, number>[] = [];
  for (const tf of tfs) {
    const weighted: [string, number][] = [];
    for (const [t, f] of tf) {
      const d = df.get(t)!;
      if (d < 2 || d > maxDf) continue;
      weighted.push([t, (1 + Math.log(f)) * Math.log(n / d)]);
    }
    weighted.sort((a, b) => b[1] - a[1]);
    const top = weighted.slice(0, topK);
    const norm = Math.sqrt(top.reduce((s, [, w]) => s + w * w, 0)) || 1;
    vectors.push(new Map(top.map(([t, w]) => [t, w / norm])));
  }

  const clusters = new Clusters(vectors);
  // Posts the analysis stage put in one event are one matter.
  const byEvent = new Map<number, number>();
  posts.forEach((p, i) => {
    if (p.eventId == null) return;
    const first = byEvent.get(p.eventId);
    if (first === undefined) byEvent.set(p.eventId, i);
    // Guarded too: an over-merged event must not glue unrelated matters together.
    else clusters.union(first, i, GUARD_SIMILARITY);
  });

  const index = new Map<string, number[]>();
  vectors.forEach((v, i) => {
    for (const t of v.keys()) {
      let list = index.get(t);
      if (!list) index.set(t, (list = []));
      list.push(i);
    }
  });
  const position = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const scores = new Map<number, number>();
    for (const [t, w] of vectors[i]) {
      const list = index.get(t)!;
      // Posts are visited in order, so the k-th visit of a term is list[k] === i.
      const self = position.get(t) ?? 0;
      position.set(t, self + 1);
      for (let k = self + 1; k < list.length && k <= self + NEIGHBOURS_PER_TERM; k++) {
        const j = list[k];
        scores.set(j, (scores.get(j) ?? 0) + w * vectors[j].get(t)!);
      }
    }
    const ranked = [...scores.entries()].filter(([, s]) => s >= threshold).sort((a, b) => b[1] - a[1]);
    for (const [j] of ranked) clusters.union(i, j, GUARD_SIMILARITY);
  }

  // Near-duplicates the salient terms cannot place (too few distinctive words): SimHash of the
  // title and opening, compared within 16-bit bands.
  const weak = posts.map((_, i) => i).filter((i) => vectors[i].size < 3);
  const hashes = new Map(weak.map((i) => [i, simhash(`${posts[i].title}${posts[i].text.slice(0, 30)}`)]));
  const bands = new Map<string, number[]>();
  for (const [i, h] of hashes) {
    for (let b = 0; b < 4; b++) {
      const key = `${b}:${(h >> BigInt(b * 16)) & 0xffffn}`;
      let list = bands.get(key);
      if (!list) bands.set(key, (list = []));
      list.push(i);
    }
  }
  for (const list of bands.values()) {
    if (list.length > 200) continue;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        if (hammingDistance(hashes.get(list[a])!, hashes.get(list[b])!) <= maxHamming) clusters.union(list[a], list[b]);
      }
    }
  }

  mergeFragments(clusters);
  const groups = clusters.groups();

  const issues: (HotIssue & { best: number; members: number[] })[] = [];
  for (const members of groups.values()) {
    if (members.length < 2 && posts[members[0]].engagement < 10) continue;
    const centroid = new Map<string, number>();
    for (const i of members) for (const [t, w] of vectors[i]) centroid.set(t, (centroid.get(t) ?? 0) + w);
    let best = members[0];
    let bestScore = -1;
    for (const i of members) {
      let s = 0;
      for (const [t, w] of vectors[i]) s += w * centroid.get(t)!;
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    const engagement = members.reduce((s, i) => s + posts[i].engagement, 0);
    const times = members.map((i) => posts[i].at).sort();
    issues.push({
      name: '',
      title: posts[best].title || posts[best].text.slice(0, 40),
      terms: [],
      best,
      members,
      posts: members.length,
      engagement,
      heat: heatOf(members.length, engagement),
      firstAt: times[0],
      lastAt: times[times.length - 1],
      postIds: members.map((i) => posts[i].id),
      eventIds: [...new Set(members.map((i) => posts[i].eventId).filter((e): e is number => e != null))],
    });
  }
  issues.sort((a, b) => b.heat - a.heat || b.posts - a.posts || a.firstAt.localeCompare(b.firstAt));
  return issues.slice(0, limit).map(({ best, members, ...h }) => ({ ...h, ...readableName(posts, members, best) }));
}

/**
 * The name and terms of a hot issue in words people read (issue 17, part 6): the place its posts
 * name most (「丽发新城」), then the matter its representative post's title states (「搅拌站噪音扰民」);
 * the terms are the places named by two posts or more and the matters most titles state.
 */
function readableName(posts: ClusterPost[], members: number[], best: number): { name: string; terms: string[] } {
  const placesOf = new Map<number, string[]>();
  const counts = new Map<string, number>();
  for (const i of members.slice(0, 200)) {
    const named = matterPlaces(posts[i].title, posts[i].text);
    placesOf.set(i, named);
    // a place counts once per post, under its shortest form among the cluster's (万科魅力之城 → 魅力之城)
    for (const p of new Set(named)) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const merged = new Map<string, number>();
  for (const [p, n] of counts) {
    const key = [...counts.keys()].filter((o) => samePlace(o, p)).sort((a, b) => a.length - b.length)[0];
    merged.set(key, (merged.get(key) ?? 0) + n);
  }
  const ranked = [...merged.entries()].filter(([, n]) => members.length < 2 || n >= 2).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const place = ranked[0]?.[0];
  // the representative post, else the first that names the place
  const rep = place && !(placesOf.get(best) ?? []).some((p) => samePlace(p, place)) ? (members.find((i) => (placesOf.get(i) ?? []).some((p) => samePlace(p, place))) ?? best) : best;
  const repPlaces = placesOf.get(rep) ?? matterPlaces(posts[rep].title, posts[rep].text);
  const name = matterName(posts[rep].title, posts[rep].text, place ? [place, ...repPlaces.filter((p) => p !== place)] : repPlaces);
  const matters = new Map<string, number>();
  for (const i of members.slice(0, 200)) {
    const m = matterName(posts[i].title, '', placesOf.get(i) ?? []).split(' ').slice(1).join(' ');
    if (m) matters.set(m, (matters.get(m) ?? 0) + 1);
  }
  const terms = [
    ...ranked.slice(0, 3).map(([p]) => p),
    ...[...matters.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([m]) => m),
  ];
  return { name, terms: [...new Set(terms)].slice(0, 5) };
}

export const hotIssueSchema = shapeOf<HotIssue>()({
  name: z.string().describe('place + matter, e.g. 魅力之城 油烟扰民'),
  title: z.string().describe('a representative title'),
  terms: z.array(z.string()).describe('the places named most, then the matters stated most'),
  posts: z.number(),
  engagement: z.number(),
  heat: z.number(),
  firstAt: z.string(),
  lastAt: z.string(),
  postIds: z.array(z.number()),
  eventIds: z.array(z.number()),
});
