import { t } from '../../i18n/index.ts';
import {
  F_COMPLAINT, F_CONCESSIVE, F_CONTRAST, F_EMOJI, F_END, F_EXCLAIM, F_FRAMING, F_NEGATES_NEXT, F_NEGATION, F_PAIR_HEAD, F_QUESTION, F_REQUEST, F_RHETORICAL, F_SENTENCE,
  pairInfo, tokenInfoTable, viewTokens, type TokenInfo,
} from '../text/token-info.ts';
import { EMOJI, EMOTICONS, NAME_ENDS } from './lexicon.ts';

import type { SentimentLabel } from '../vocabulary.ts';

export { SENTIMENT_LABELS, type SentimentLabel } from '../vocabulary.ts';

/** What the lexicon saw in one text: the raw sum, its parts (features for the learned model), and reasons. */
export interface LexiconScore {
  raw: number;
  positive: number;
  negative: number;
  complaints: number;
  negations: number;
  emoticons: number;
  rhetorical: number;
  label: SentimentLabel;
  /** Polarity in [-1, 1]: below 0 negative. */
  score: number;
  reasons: string[];
}

/** Thresholds on the raw sum; out of the box a single ordinary word decides. */
const POSITIVE_AT = 0.5;
const NEGATIVE_AT = -0.5;

/** A run of one repeated syllable ("哈哈哈哈", "呜呜呜呜") reads as its short form. */
function repeated(tok: string): TokenInfo | undefined {
  if (tok.length < 3) return undefined;
  const c = tok.charCodeAt(0);
  for (let i = 1; i < tok.length; i++) if (tok.charCodeAt(i) !== c) return undefined;
  const table = tokenInfoTable();
  const e = table.get(tok.slice(0, 3)) ?? table.get(tok.slice(0, 2));
  return e && e.polarity !== 0 ? e : undefined;
}

/** A token of several emoji ("😭😭"): the sum of its parts. */
function emojiRun(tok: string): number {
  const c = tok.charCodeAt(0);
  // Emoji live in the astral planes (high surrogates D83C–D83E) or a few symbol blocks; CJK does not.
  if (!((c >= 0xd83c && c <= 0xd83e) || (c >= 0x2190 && c <= 0x2bff))) return 0;
  let sum = 0;
  for (const ch of tok) sum += EMOJI.get(ch) ?? 0;
  return sum;
}

const R = {
  positive: t('language.reason.positive') + '：',
  negative: t('language.reason.negative') + '：',
  negated: t('language.reason.negated') + '：',
  degree: t('language.reason.degree') + '：',
  contrast: t('language.reason.contrast'),
  complaint: t('language.reason.complaint') + '：',
  emoticon: t('language.reason.emoticon') + '：',
  rhetorical: t('language.reason.rhetorical'),
  noCue: t('language.reason.noCue'),
  framing: t('signal.reason.framing') + '：',
  asked: t('signal.reason.asked') + '：',
};
export const NO_CUE_REASON = R.noCue;

const MAX_REASONS = 6;
/** Words weaker than this (疫情, 隔离, 排队) only tip a post that has a stronger cue. */
const WEAK = 0.5;

/** How the lexicon reads a text. */
export interface ScoreOptions {
  /**
   * The text is a message to a public body (appeal/classify.ts found its cues): polite formulas are
   * framing, and the good words of a request ("希望…做到公平公正") are what is asked for, not what is.
   */
  message?: boolean;
  /** How many tokens make up the title line (a sentence of its own, without a full stop). */
  lead?: number;
}

/** Notes a word for a reason (at most four, each once). */
function note(list: string[] | null, tok: string): string[] {
  const l = list ?? [];
  if (l.length < 4 && !l.includes(tok)) l.push(tok);
  return l;
}

/** Whether the good word at i is part of a name (博才阳光实验小学, 萌萌哒幼儿园): a name's end follows within three words. */
function inName(tokens: readonly string[], infos: readonly (TokenInfo | undefined)[], i: number): boolean {
  for (let j = i + 1; j < tokens.length && j <= i + 3; j++) {
    const f = infos[j]?.flags ?? 0;
    if (f & F_END) return false;
    const tok = tokens[j];
    const n = tok.length;
    if (NAME_END_SET.has(tok.slice(n - 1)) || (n >= 2 && NAME_END_SET.has(tok.slice(n - 2))) || (n >= 3 && NAME_END_SET.has(tok.slice(n - 3)))) return true;
  }
  return false;
}
const NAME_END_SET = new Set(NAME_ENDS);

/**
 * Scores tokens (of normalised text) with the lexicon: negation flips the governed word, degree
 * adverbs scale it, a clause after "但是/可是/却…" outweighs what came before (and a
 * "虽然…" clause counts less), complaint phrases and bracket emoticons count, an exclamation mark
 * strengthens the clause, and a rhetorical question with negative content reads as a complaint.
 */
export function scoreTokens(tokens: readonly string[], infos: readonly (TokenInfo | undefined)[] = viewTokens(tokens).infos, options: ScoreOptions = {}): LexiconScore {
  const table = tokenInfoTable();
  const message = options.message === true;
  const lead = options.lead ?? 0;
  /** Inside a request's sentence (message only): good words there are asked for. */
  let asking = false;
  let framed: string[] | null = null;
  let asked: string[] | null = null;
  let total = 0;
  let clause = 0;
  let clauseWeight = 1;
  let clauseRhetorical = false;
  let negate = false;
  let negateTtl = 0;
  let negatedAt = -10;
  let degree = 1;
  let degreeTtl = 0;
  let positive = 0;
  let negative = 0;
  let complaints = 0;
  let negations = 0;
  let emoticons = 0;
  let rhetorical = 0;
  let contrasted = false;
  let reasons: string[] | null = null;
  const reason = (r: string) => {
    reasons ??= [];
    if (reasons.length < MAX_REASONS && !reasons.includes(r)) reasons.push(r);
  };
  let lastScoredIndex = -10;
  let lastScored = 0;
  let inTopic = false;
  let cued = false;
  /** Ordinary-strength words (停水, 拥堵), named when no stronger cue is. */
  const weak: string[] = [];

  const n = tokens.length;
  for (let i = 0; i <= n; i++) {
    let tok = i < n ? tokens[i] : '';
    let e = i < n ? infos[i] : undefined;
    if (e !== undefined && e.flags & F_PAIR_HEAD && i + 1 < n) {
      const pair = pairInfo(tok, tokens[i + 1]);
      if (pair !== undefined) {
        tok += tokens[++i];
        e = pair;
      }
    }
    // A mention names a person, not a feeling ("//@快乐小熊:"): up to its colon when one follows
    // within a few words (spaces are gone by now), else the one word after "@".
    if (tok === '@') {
      let j = i + 1;
      while (j < n && j <= i + 5 && tokens[j] !== ':' && tokens[j] !== '@') j++;
      i = j < n && tokens[j] === ':' ? j : Math.min(i + 1, n - 1);
      continue;
    }
    // A Weibo topic tag ("#国内新型肺炎确诊440例#") names what the post is about, not how its writer
    // feels: inside one only strong words count.
    if (tok === '#') {
      inTopic = !inTopic;
      continue;
    }
    // The title line ends a sentence of its own (its line break is not a token).
    if (i === lead && lead > 0) {
      if (clause !== 0) total += clause * clauseWeight;
      clause = 0;
      clauseWeight = 1;
      clauseRhetorical = false;
      negate = false;
      negateTtl = 0;
      degree = 1;
      degreeTtl = 0;
      asking = false;
    }
    const flags = i === n ? F_END : (e?.flags ?? 0);
    if (inTopic && e !== undefined && !(flags & F_END) && e.polarity > -1 && e.polarity < 1) continue;
    if (flags & F_END) {
      inTopic = false;
      if (flags & F_SENTENCE) asking = false;
      if (clause !== 0) total += clause * clauseWeight * (flags & F_EXCLAIM ? 1.3 : 1);
      if (flags & F_QUESTION && clauseRhetorical && clause <= 0) {
        total -= 0.8;
        negative += 0.8;
        rhetorical++;
      }
      clause = 0;
      clauseWeight = 1;
      clauseRhetorical = false;
      negate = false;
      negateTtl = 0;
      degree = 1;
      degreeTtl = 0;
      continue;
    }
    if (e === undefined) {
      // Weibo bracket emoticon: "[", "心", "]" (jieba splits it).
      if (tok === '[' && i + 2 < n) {
        let j = i + 1;
        let name = '';
        while (j < n && j <= i + 4 && tokens[j] !== ']') name += tokens[j++];
        if (j < n && tokens[j] === ']') {
          const p = EMOTICONS.get(name);
          if (p !== undefined) {
            clause += p;
            emoticons += p;
            if (p > 0) positive += p;
            else negative -= p;
            reason(`${R.emoticon}[${name}]`);
          }
          i = j;
          continue;
        }
      }
      e = repeated(tok);
      if (e === undefined) {
        const p = emojiRun(tok);
        if (p === 0) {
          if (negateTtl > 0 && --negateTtl === 0) negate = false;
          if (degreeTtl > 0 && --degreeTtl === 0) degree = 1;
          continue;
        }
        e = { flags: F_EMOJI, polarity: p, degree: 0, post: 0, abuse: 0, idf: 0 };
      }
    } else if (e.flags === 0 && e.polarity === 0 && e.degree === 0 && e.post === 0) {
      // A known word with no sentiment role (most words).
      if (negateTtl > 0 && --negateTtl === 0) negate = false;
      if (degreeTtl > 0 && --degreeTtl === 0) degree = 1;
      continue;
    }
    if (e.flags & F_CONCESSIVE) {
      clauseWeight = 0.5;
      continue;
    }
    if (e.flags & F_CONTRAST && (total !== 0 || clause !== 0)) {
      total = (total + clause * clauseWeight) * 0.5;
      clause = 0;
      clauseWeight = 1.5;
      contrasted = true;
      continue;
    }
    if (message && e.flags & (F_FRAMING | F_REQUEST)) {
      if (e.flags & F_REQUEST) asking = true;
      // a polite formula or a request word is framing: its own good sense does not count
      if (e.polarity > 0) {
        framed = note(framed, tok);
        continue;
      }
    }
    if (e.flags & F_RHETORICAL) {
      clauseRhetorical = true;
      if (tok === '凭什么' || tok === '难道') reason(`${R.rhetorical}：${tok}`);
    }
    if (e.post !== 0 && lastScoredIndex === i - 1 && lastScored !== 0) {
      clause += lastScored * (e.post - 1);
      continue;
    }
    const p = e.polarity;
    if (e.degree !== 0 && (p === 0 || (i + 1 < n && ((infos[i + 1] ?? table.get(tokens[i + 1]))?.polarity ?? 0) !== 0))) {
      degree *= e.degree;
      degreeTtl = 2;
      continue;
    }
    if (e.flags & F_NEGATION && p === 0) {
      // "能不能", "是不是": a question, not a negation.
      if (tok === '不' && i > 0 && i + 1 < n && tokens[i - 1] === tokens[i + 1]) continue;
      if (tok.length > 1 && tok[0] === '不' && i > 0 && tokens[i - 1] === tok.slice(1)) continue;
      // "一点也不…", "一点都不…": a diminisher before 也/都 + negation intensifies it.
      if (degree < 1 && i > 0 && (tokens[i - 1] === '也' || tokens[i - 1] === '都')) {
        degree = 1.6;
        degreeTtl = 2;
      }
      negate = !negate;
      negateTtl = 2;
      negatedAt = i;
      negations++;
      continue;
    }
    if (p === 0) {
      if (negateTtl > 0 && --negateTtl === 0) negate = false;
      if (degreeTtl > 0 && --degreeTtl === 0) degree = 1;
      continue;
    }
    if (p > 0 && !negate && !(e.flags & F_EMOJI) && inName(tokens, infos, i)) {
      if (degreeTtl > 0 && --degreeTtl === 0) degree = 1;
      continue;
    }
    // What a message asks for ("希望…公平公正", "还我们一个安静的环境", "希望不再扰民") is not what is.
    if (message && asking && (negate ? p < 0 : p > 0)) {
      asked = note(asked, tok);
      negate = false;
      negateTtl = 0;
      degree = 1;
      degreeTtl = 0;
      continue;
    }
    const isEmoji = (e.flags & F_EMOJI) !== 0;
    if (isEmoji) {
      emoticons += p;
      reason(R.emoticon + tok);
    }
    let negatesNext = false;
    if (e.flags & F_COMPLAINT) {
      complaints++;
      reason(R.complaint + tok);
      negatesNext = (e.flags & F_NEGATES_NEXT) !== 0;
    }
    let v = p * degree;
    if ((degree >= 1.5 || degree <= 0.6) && Math.abs(p) >= 1) reason(R.degree + tok);
    // A negation governs a negative word only right before it ("不难过"), not across words ("不欢迎X滚").
    if (negate && p < 0 && negatedAt !== i - 1) negate = false;
    if (negate) {
      v = p > 0 ? -v : -v * 0.5;
      reason(R.negated + tok);
    } else if (!isEmoji && !(e.flags & F_COMPLAINT) && Math.abs(p) >= 1) reason((p > 0 ? R.positive : R.negative) + tok);
    if (Math.abs(p) >= WEAK && Math.abs(p) < 1 && !negate && !isEmoji) {
      cued = true;
      const r = (p > 0 ? R.positive : R.negative) + tok;
      if (weak.length < 3 && !weak.includes(r)) weak.push(r);
    } else if (Math.abs(p) >= 1) cued = true;
    if (v > 0) positive += v;
    else negative -= v;
    clause += v;
    lastScored = v;
    lastScoredIndex = i;
    negate = negatesNext;
    negateTtl = negatesNext ? 2 : 0;
    if (negatesNext) negatedAt = i;
    degree = 1;
    degreeTtl = 0;
  }
  const out: string[] = reasons ?? [];
  if (contrasted && out.length < MAX_REASONS) out.push(R.contrast);
  if (asked && out.length < MAX_REASONS) out.push(R.asked + asked.join('、'));
  if (framed && out.length < MAX_REASONS) out.push(R.framing + framed.join('、'));
  if (rhetorical > 0 && !out.some((r) => r.startsWith(R.rhetorical)) && out.length < MAX_REASONS) out.push(R.rhetorical);
  // Weak words alone (疫情, 隔离, 排队 in a news repost) do not make a post negative: a label
  // needs a cue that the reasons can name.
  const named = out.length - (asked ? 1 : 0) - (framed ? 1 : 0);
  const label: SentimentLabel = !cued && named === 0 ? 'neutral' : total >= POSITIVE_AT ? 'positive' : total <= NEGATIVE_AT ? 'negative' : 'neutral';
  if (named === 0 && label !== 'neutral') out.unshift(...weak.filter((r) => r.startsWith(label === 'positive' ? R.positive : R.negative)));
  if (out.length === 0) out.push(R.noCue);
  const score = Math.round(Math.tanh(total / 3) * 1000) / 1000;
  return { raw: total, positive, negative, complaints, negations, emoticons, rhetorical, label, score, reasons: out };
}
