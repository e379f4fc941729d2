import { t } from '../../i18n/index.ts';
import { compileMessage } from '../../i18n/compiled.ts';
import { F_COMPLAINT, F_QUESTION, type TokenInfo } from '../text/token-info.ts';
import type { LexiconScore } from '../sentiment/score.ts';
import type { AppealLabel } from '../vocabulary.ts';

/**
 * 诉求类型 out of the box: what a message to a public body wants, from its cue words
 * (appeal/cues.ts), its questions and its grievance (the sentiment lexicon's negative words,
 * complaint phrases and rhetorical questions). A title counts twice. Every decision names its cues.
 *
 * The cues are looked at in two steps, because sentiment depends on whether the text is a
 * message at all and the complaint evidence depends on the sentiment lexicon:
 * `appealCues` (before sentiment) and `decideAppeal` (after).
 */
export interface AppealCueScan {
  /** Cue weight per kind (complaint, help, inquiry, suggestion, praise). */
  scores: Record<AppealLabel, number>;
  /** The cue words per kind, title words first. */
  words: Record<AppealLabel, string[]>;
  /** Words that address a public body (书记, 有关部门, 尊敬, 此致). */
  address: number;
  /** Question marks in the title and in the text. */
  titleQuestions: number;
  textQuestions: number;
  /** Whether the text reads as a message to a public body (sentiment reads its polite words as framing then). */
  message: boolean;
}

export interface AppealResult {
  label: AppealLabel;
  /** How much of the evidence speaks for the label, 0–1 (0: no cue at all, the label is a guess from the sentiment). */
  score: number;
  reasons: string[];
}

const KINDS: readonly AppealLabel[] = ['complaint', 'help', 'inquiry', 'suggestion', 'praise'];

/** A cue word counts at most this many times (a long complaint repeats 噪音 twenty times). */
const MAX_REPEAT = 2;
/** This much cue weight (or one address word with any cue) makes a text a message to a public body. */
const MESSAGE_AT = 3;

export const APPEAL_TEXT: Record<AppealLabel, string> = {
  complaint: t('signal.appeal.complaint'),
  help: t('signal.appeal.help'),
  inquiry: t('signal.appeal.inquiry'),
  suggestion: t('signal.appeal.suggestion'),
  praise: t('signal.appeal.praise'),
};

// reasons are filled for every post: the templates are compiled once
const CUES_MSG = compileMessage('signal.appeal.cues');
const GUESS: Record<AppealLabel, string> = Object.fromEntries(KINDS.map((k) => [k, t('signal.appeal.guess', { label: APPEAL_TEXT[k] })])) as Record<AppealLabel, string>;
const DECIDED: Record<AppealLabel, string> = Object.fromEntries(KINDS.map((k) => [k, t('signal.appeal.decided', { label: APPEAL_TEXT[k] })])) as Record<AppealLabel, string>;
const R = {
  cues: (label: AppealLabel, words: string[]) => CUES_MSG({ label: APPEAL_TEXT[label], words: words.join('、') }),
  grievance: t('signal.appeal.grievance'),
  questions: t('signal.appeal.questions'),
  guess: (label: AppealLabel) => GUESS[label],
  decided: (label: AppealLabel) => DECIDED[label],
};

const seen = new Map<string, number>();

/** Words by which a writer asks a public body for something (a sign of a message whatever its type). */
const ASKING = new Set(['希望', '恳请', '恳求', '请求', '要求', '强烈要求', '呼吁', '盼望', '期盼', '希望政府', '希望有关部门', '希望能', '希望能够', '敬请', '烦请']);

/** The cue words of a text (`lead`: how many tokens make up the title line). */
export function appealCues(tokens: readonly string[], infos: readonly (TokenInfo | undefined)[], lead: number): AppealCueScan {
  const scores: Record<AppealLabel, number> = { complaint: 0, help: 0, inquiry: 0, suggestion: 0, praise: 0 };
  const words: Record<AppealLabel, string[]> = { complaint: [], help: [], inquiry: [], suggestion: [], praise: [] };
  let address = 0;
  let titleQuestions = 0;
  let textQuestions = 0;
  /** Complaint phrases (不服, 迟迟不, 没人管) and asking words (希望, 恳请, 要求): signs of a message, not of a type. */
  let signs = 0;
  seen.clear();
  for (let i = 0; i < tokens.length; i++) {
    const info = infos[i];
    if (info === undefined) continue;
    if (info.flags & F_QUESTION) {
      if (i < lead) titleQuestions++;
      else textQuestions++;
      continue;
    }
    if (info.flags & F_COMPLAINT) signs++;
    else if (ASKING.has(tokens[i])) signs++;
    const cues = info.appeal;
    if (cues === undefined) continue;
    const tok = tokens[i];
    const n = (seen.get(tok) ?? 0) + 1;
    seen.set(tok, n);
    if (n > MAX_REPEAT) continue;
    const inTitle = i < lead;
    for (const c of cues) {
      // a title that names the act (投诉…, 咨询…, 建议…, 求助…) says what the message is
      const w = inTitle ? c.weight * 2 + (c.weight >= 3 ? 3 : 0) : c.weight;
      if (c.kind === 'address') {
        address += w;
        continue;
      }
      scores[c.kind] += w;
      const list = words[c.kind];
      if (n === 1 && list.length < 6 && c.weight >= 2) {
        if (inTitle) list.unshift(tok);
        else list.push(tok);
      }
    }
  }
  const total = scores.complaint + scores.help + scores.inquiry + scores.suggestion + scores.praise;
  const message = total + Math.min(signs, 2) >= MESSAGE_AT || (address >= 1 && total >= 1) || (titleQuestions > 0 && total > 0);
  return { scores, words, address, titleQuestions, textQuestions, message };
}

/**
 * The appeal type, from the cues and the sentiment lexicon's view of the text: grievance (negative
 * words, complaint phrases, rhetorical questions) speaks for a complaint; questions that are not
 * rhetorical speak for an inquiry. A text with no cue at all gets the type its sentiment suggests,
 * with score 0 and a reason that says so.
 */
export function decideAppeal(scan: AppealCueScan, lex: LexiconScore): AppealResult {
  const s = { ...scan.scores };
  const reasons: string[] = [];
  // Grievance (what the writer suffers or accuses: negative words, complaint phrases, rhetorical
  // questions) is what a complaint is made of. A question about a grievance ("为什么…至今不修？")
  // complains; one without asks. Proposals often describe a problem too, so grievance weighs less on them.
  const grievance = Math.min(6, lex.negative) + Math.min(3, lex.complaints) + Math.min(3, lex.rhetorical);
  s.complaint += grievance;
  const asking = Math.max(0, scan.textQuestions - lex.rhetorical);
  const questions = (scan.titleQuestions > 0 ? 2 : 0) + Math.min(2, asking * 0.5);
  s.inquiry = (s.inquiry + questions) / (1 + grievance / 3);
  s.suggestion = s.suggestion / (1 + grievance / 8);
  s.help = s.help / (1 + Math.max(0, grievance - 2) / 8);
  const total = KINDS.reduce((n, k) => n + s[k], 0);
  if (total < 1) {
    const label: AppealLabel = lex.label === 'negative' ? 'complaint' : lex.label === 'positive' ? 'praise' : 'inquiry';
    return { label, score: 0, reasons: [R.guess(label)] };
  }
  let label: AppealLabel = 'complaint';
  for (const k of ['help', 'inquiry', 'suggestion'] as const) if (s[k] > s[label]) label = k;
  // thanks are said in every kind of message: praise only where little else is said
  if (s.praise > s[label] && s.praise > 1.5 * (s.complaint + s.help)) label = 'praise';
  const words = scan.words[label];
  if (words.length) reasons.push(R.cues(label, words.slice(0, 5)));
  if (label === 'complaint' && grievance >= 1) reasons.push(R.grievance);
  if (label === 'inquiry' && questions > 0) reasons.push(R.questions);
  if (!reasons.length) reasons.push(R.decided(label));
  return { label, score: Math.round((s[label] / total) * 1000) / 1000, reasons };
}
