import { t } from '../../i18n/index.ts';
import { COMPLAINT_PHRASES, CONCESSIVE, CONTRAST_AFTER, DEGREES, EMOJI, EMOTICONS, NEGATIONS, NEGATIVE, POSITIVE, RHETORICAL } from './lexicon.ts';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export const SENTIMENT_LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

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

/** Words that intensify the sentiment word before them ("气死了", "好极了"). */
const POST_DEGREES = new Map([['死了', 1.6], ['极了', 1.8], ['透了', 1.6], ['爆了', 1.6], ['坏了', 1.4], ['透顶', 1.8], ['至极', 1.8], ['要命', 1.6]]);
const CLAUSE_END = new Set(['，', ',', '。', '.', '；', ';', '！', '!', '？', '?', '…', '……', '~', '～', '\n', '、', ':', '：']);
const EXCLAIM = new Set(['！', '!', '!!', '!!!', '！！', '！！！']);
const QUESTION = new Set(['？', '?', '??', '???', '？？', '？？？', '?!', '!?']);

/** Thresholds on the raw sum; out of the box a single ordinary word decides. */
const POSITIVE_AT = 0.9;
const NEGATIVE_AT = -0.75;

const R = {
  positive: t('language.reason.positive'),
  negative: t('language.reason.negative'),
  negated: t('language.reason.negated'),
  degree: t('language.reason.degree'),
  contrast: t('language.reason.contrast'),
  complaint: t('language.reason.complaint'),
  emoticon: t('language.reason.emoticon'),
  rhetorical: t('language.reason.rhetorical'),
  exclaim: t('language.reason.exclaim'),
  noCue: t('language.reason.noCue'),
};

function lookup(tok: string): number {
  const p = POSITIVE.get(tok);
  if (p !== undefined) return p;
  const n = NEGATIVE.get(tok);
  return n === undefined ? 0 : -n;
}

/** Lexicon polarity; a run of one repeated syllable ("哈哈哈哈", "呜呜呜呜") reads as its short form. */
function polarityOf(tok: string): number {
  const p = lookup(tok);
  if (p !== 0 || tok.length < 3) return p;
  const c = tok.charCodeAt(0);
  for (let i = 1; i < tok.length; i++) if (tok.charCodeAt(i) !== c) return 0;
  return lookup(tok.slice(0, 3)) || lookup(tok.slice(0, 2));
}

function emojiPolarity(tok: string): number {
  const direct = EMOJI.get(tok);
  if (direct !== undefined) return direct;
  const c = tok.charCodeAt(0);
  if (c < 0x2600) return 0;
  let sum = 0;
  for (const ch of tok) sum += EMOJI.get(ch) ?? 0;
  return sum;
}

const MAX_REASONS = 6;

/**
 * Scores tokens (of normalised text) with the lexicon: negation flips the governed word, degree
 * adverbs scale it, a clause after "但是/可是/却…" outweighs what came before (and a
 * "虽然…" clause counts less), complaint phrases and bracket emoticons count, an exclamation mark
 * strengthens the clause, and a rhetorical question with negative content reads as a complaint.
 */
export function scoreTokens(tokens: readonly string[]): LexiconScore {
  let total = 0;
  let clause = 0;
  let clauseWeight = 1;
  let clauseRhetorical = false;
  let negate = 0;
  let negateTtl = 0;
  let degree = 1;
  let degreeTtl = 0;
  let positive = 0;
  let negative = 0;
  let complaints = 0;
  let negations = 0;
  let emoticons = 0;
  let rhetorical = 0;
  let contrasted = false;
  const reasons: string[] = [];
  const reason = (r: string) => {
    if (reasons.length < MAX_REASONS && !reasons.includes(r)) reasons.push(r);
  };
  let lastScoredIndex = -10;
  let negatedAt = -10;
  let lastScored = 0;

  const closeClause = (punct: string | null) => {
    if (clause !== 0) {
      let c = clause * clauseWeight;
      if (punct !== null && EXCLAIM.has(punct)) c *= 1.3;
      total += c;
    }
    if (punct !== null && QUESTION.has(punct) && clauseRhetorical && clause <= 0) {
      total -= 0.8;
      negative += 0.8;
      rhetorical++;
    }
    clause = 0;
    clauseWeight = 1;
    clauseRhetorical = false;
    negate = 0;
    negateTtl = 0;
    degree = 1;
    degreeTtl = 0;
  };

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (CLAUSE_END.has(tok) || EXCLAIM.has(tok) || QUESTION.has(tok)) {
      closeClause(tok);
      continue;
    }
    // Weibo bracket emoticon: "[", "心", "]" (jieba splits it).
    if (tok === '[' && i + 2 < tokens.length) {
      let j = i + 1;
      let name = '';
      while (j < tokens.length && j <= i + 4 && tokens[j] !== ']') name += tokens[j++];
      if (j < tokens.length && tokens[j] === ']') {
        const p = EMOTICONS.get(name);
        if (p !== undefined) {
          clause += p;
          emoticons += p;
          if (p > 0) positive += p;
          else negative -= p;
          reason(`${R.emoticon}：[${name}]`);
        }
        i = j;
        continue;
      }
    }
    if (CONCESSIVE.has(tok)) {
      clauseWeight = 0.5;
      continue;
    }
    if (CONTRAST_AFTER.has(tok) && (total !== 0 || clause !== 0)) {
      total = (total + clause * clauseWeight) * 0.5;
      clause = 0;
      clauseWeight = 1.5;
      contrasted = true;
      continue;
    }
    if (RHETORICAL.has(tok)) {
      clauseRhetorical = true;
      if (tok === '凭什么' || tok === '难道') reason(`${R.rhetorical}：${tok}`);
    }
    const post = POST_DEGREES.get(tok);
    if (post !== undefined && lastScoredIndex === i - 1 && lastScored !== 0) {
      clause += lastScored * (post - 1);
      continue;
    }
    let p = polarityOf(tok);
    const d = DEGREES.get(tok);
    if (d !== undefined && (p === 0 || (i + 1 < tokens.length && polarityOf(tokens[i + 1]) !== 0))) {
      degree *= d;
      degreeTtl = 2;
      continue;
    }
    if (NEGATIONS.has(tok) && p === 0) {
      // "能不能", "是不是": a question, not a negation.
      if (tok === '不' && i > 0 && i + 1 < tokens.length && tokens[i - 1] === tokens[i + 1]) continue;
      if (tok.length > 1 && tok[0] === '不' && i > 0 && tokens[i - 1] === tok.slice(1)) continue;
      // "一点也不…", "一点都不…": a diminisher before 也/都 + negation intensifies it.
      if (degree < 1 && i > 0 && (tokens[i - 1] === '也' || tokens[i - 1] === '都')) {
        degree = 1.6;
        degreeTtl = 2;
      }
      negate ^= 1;
      negateTtl = 2;
      negatedAt = i;
      negations++;
      continue;
    }
    let isEmoji = false;
    if (p === 0) {
      p = emojiPolarity(tok);
      if (p !== 0) {
        isEmoji = true;
        emoticons += p;
        reason(`${R.emoticon}：${tok}`);
      }
    }
    if (p === 0) {
      if (negateTtl > 0 && --negateTtl === 0) negate = 0;
      if (degreeTtl > 0 && --degreeTtl === 0) degree = 1;
      continue;
    }
    if (COMPLAINT_PHRASES.has(tok)) {
      complaints++;
      reason(`${R.complaint}：${tok}`);
      // "至今未…", "迟迟不…" also negate what follows.
      if (NEGATIONS.has(tok.slice(-1)) || tok.endsWith('没有')) {
        negate = 1;
        negateTtl = 3;
      }
    }
    let v = p * degree;
    if ((degree >= 1.5 || degree <= 0.6) && Math.abs(p) >= 1) reason(`${R.degree}：${tok}`);
    // A negation governs a negative word only right before it ("不难过"), not across words ("不欢迎X滚").
    if (negate && p < 0 && negatedAt !== i - 1) negate = 0;
    if (negate) {
      v = p > 0 ? -v : -v * 0.5;
      reason(`${R.negated}：${tok}`);
    } else if (!isEmoji && !COMPLAINT_PHRASES.has(tok) && Math.abs(p) >= 1) reason(`${p > 0 ? R.positive : R.negative}：${tok}`);
    if (v > 0) positive += v;
    else negative -= v;
    clause += v;
    lastScored = v;
    lastScoredIndex = i;
    negate = 0;
    negateTtl = 0;
    degree = 1;
    degreeTtl = 0;
  }
  closeClause(null);
  if (contrasted) reason(R.contrast);
  if (rhetorical > 0 && !reasons.some((r) => r.startsWith(R.rhetorical))) reason(R.rhetorical);
  const label: SentimentLabel = total >= POSITIVE_AT ? 'positive' : total <= NEGATIVE_AT ? 'negative' : 'neutral';
  if (reasons.length === 0) reasons.push(R.noCue);
  const score = Math.round(Math.tanh(total / 3) * 1000) / 1000;
  return { raw: total, positive, negative, complaints, negations, emoticons, rhetorical, label, score, reasons };
}
